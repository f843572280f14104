"""Calls for projects through their doors: a member drafts and submits before the deadline (to the second, by the
database's clock), the eligibility rules (lead kind, public-private consortium, budget ceiling), reviewers with
conflicts of interest (a reviewer never sees a proposal of their own organization, nor one they declared a
conflict for), scores on the grid, the committee's decision with its reasons (an award becomes a partnership), the
clock's reminders and closing, and the KPIs as of a past date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from guichet.accounts.models import Membership, Role
from guichet.calls import services
from guichet.calls.models import Assignment, Call, Proposal
from guichet.core.jobs import run_periodic
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.directory.models import Organization
from guichet.impact.kpis import compute
from guichet.partnerships.models import Partnership

from .call_fixtures import make_call, make_draft
from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_member_drafts_saves_and_submits_through_the_pages(client, small_directory, member):
    call = make_call()
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    client.force_login(member)
    page = client.get(reverse("calls:detail", args=[call.key]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Public-private consortium required" in page and "Scientific excellence" in page
    response = client.post(reverse("calls:start", args=[call.key]),
                           {"lead": Organization.objects.get(key="lab-tcell").pk, "acronym": "TCELL", "title": "T"})
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("calls:proposal", args=[proposal.pk]) and proposal.status == "draft"
    acme = Organization.objects.get(key="acme-bio")
    form = {"acronym": "TCELL", "title": "T cells", "summary": "A summary.", "partners": [str(acme.pk)],
            "budget_category": ["staff", "equipment", ""], "budget_description": ["Engineer", "Sorter", ""],
            "budget_amount": ["30 000,50", "60000", ""]}
    response = client.post(reverse("calls:save", args=[proposal.pk]), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.budget_total == Decimal("90000.50") and list(proposal.partners.all()) == [acme]
    page = client.get(reverse("calls:proposal", args=[proposal.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Budget: 90000.50 EUR requested, above the ceiling of 50000.00 EUR." in page and 'id="submit"' not in page
    client.post(reverse("calls:submit", args=[proposal.pk]))
    assert Proposal.objects.get().status == "draft"  # refused: above the ceiling
    form["budget_amount"] = ["30000", "10000", ""]
    from django.core.files.uploadedfile import SimpleUploadedFile

    annexes = [SimpleUploadedFile("annexe.pdf", b"%PDF-1.4 annexe", "application/pdf"),
               SimpleUploadedFile("plan.txt", b"Plan de travail", "text/plain")]
    assert client.post(reverse("calls:save", args=[proposal.pk]), {**form, "documents": annexes}).status_code == 302
    assert sorted(proposal.documents.values_list("name", flat=True)) == ["annexe.pdf", "plan.txt"]
    client.post(reverse("calls:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.submitted_at is not None
    assert OutboxMessage.objects.get(template="call_submitted").to == [member.email]
    # Submitted: the applicant can no longer change it.
    client.post(reverse("calls:save", args=[proposal.pk]), {**form, "title": "Changed"})
    assert Proposal.objects.get().title == "T cells"


def test_a_start_form_s_errors_are_said_field_by_field_in_each_language_s_punctuation(client, small_directory, member):
    """Through core.actions.form_errors_text (issue 10): French puts a no-break space before the colon."""
    call = make_call()
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    client.force_login(member)
    lead = Organization.objects.get(key="lab-tcell").pk
    said = {"en": "Acronym: This field is required.", "fr": "Acronyme\u00a0: Ce champ est obligatoire."}
    for language, text in said.items():
        response = client.post(reverse("calls:start", args=[call.key]), {"lead": lead, "acronym": "", "title": "T"},
                               HTTP_ACCEPT_LANGUAGE=language, follow=True)
        assert response.redirect_chain[-1][0] == reverse("calls:detail", args=[call.key])
        assert text in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_bad_amount_in_the_budget_is_said_on_the_table_and_nothing_is_written(client, small_directory, member):
    call = make_call()
    proposal = make_draft(member, call)
    client.force_login(member)
    response = client.post(reverse("calls:save", args=[proposal.pk]),
                           {"acronym": "CYTO-X", "title": "Changed", "budget_category": ["staff"],
                            "budget_description": ["x"], "budget_amount": ["douze"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Budget, line 1: give an amount in euros." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "Tri cellulaire des lymphocytes T" and proposal.budget_total == Decimal("45000")


@pytest.mark.parametrize("amount", ["0.001", "12.345", "1e30", "-5", "NaN"])
def test_an_amount_below_the_cent_or_out_of_bounds_is_refused_naming_the_line_not_a_500(client, small_directory, member,
                                                                                       amount):
    # The trial (December 2026): 0.001 passed the "above zero" check, was rounded to 0.00 and broke the CHECK: a 500.
    call = make_call()
    proposal = make_draft(member, call)
    client.force_login(member)
    response = client.post(reverse("calls:save", args=[proposal.pk]),
                           {"acronym": "CYTO-X", "title": "Changed", "summary": "Résumé", "budget_category": ["staff"],
                            "budget_description": ["x"], "budget_amount": [amount]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Budget, line 1: give an amount in euros above zero and below 10\u00a0000\u00a0000\u00a0000, to the cent." \
        in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "Tri cellulaire des lymphocytes T" and proposal.budget_total == Decimal("45000")


def test_an_award_below_the_cent_is_refused_not_a_500(reviewed_world, staff):
    proposal = reviewed_world["proposal"]
    with pytest.raises(services.CallError) as refused:
        services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="Excellent.", amount="0.004")
    assert refused.value.field == "amount"
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.awarded_eur is None


@translation.override("en")  # the refusals are read in English (a leaked language made it so before)
def test_eligibility_lead_kind_and_public_private_consortium(small_directory, member):
    call = make_call()
    lonely = make_draft(member, call, acronym="SOLO", partner=None)  # lab-tcell alone: no company
    with pytest.raises(services.CallError) as refused:
        services.proposal_submit(actor=member, proposal=lonely)
    assert refused.value.field == "partners" and "public-private consortium" in refused.value.message
    call.eligible_kinds = ["startup"]
    call.save()
    with pytest.raises(services.CallError) as refused:
        services.proposal_submit(actor=member, proposal=make_draft(member, call, acronym="LAB"))
    assert refused.value.field == "lead"
    assert not Proposal.objects.exclude(status="draft").exists()


def test_the_deadline_holds_to_the_second_whoever_s_clock(small_directory, member):
    call = make_call()
    on_time, late = make_draft(member, call, acronym="ONTIME"), make_draft(member, call, acronym="LATE")
    services.proposal_submit(actor=member, proposal=on_time, now=call.deadline - timedelta(seconds=1))
    with pytest.raises(services.DeadlinePassed) as refused:
        services.proposal_submit(actor=member, proposal=late, now=call.deadline)
    assert refused.value.field == "deadline"
    # Without `now`, the database's clock decides: a deadline one second ago refuses, whatever Python's clock says.
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    late.refresh_from_db()
    with pytest.raises(services.DeadlinePassed):
        services.proposal_submit(actor=member, proposal=late)
    assert dict(Proposal.objects.values_list("acronym", "status")) == {"ONTIME": "submitted", "LATE": "draft"}
    # After the deadline a draft is not changed either.
    with pytest.raises(services.DeadlinePassed):
        services.proposal_update(actor=member, proposal=late, texts={"title": "Later"})


def test_a_draft_is_submitted_once(small_directory, member):
    call = make_call()
    proposal = make_draft(member, call)
    services.proposal_submit(actor=member, proposal=proposal)
    stale = Proposal.objects.get(pk=proposal.pk)
    stale.status = "draft"  # a second tab that still shows the draft
    with pytest.raises(services.CallError) as refused:
        services.proposal_submit(actor=member, proposal=stale)
    assert refused.value.field == "status"
    assert AuditEvent.objects.filter(action="proposal.submit").count() == 1
    assert OutboxMessage.objects.filter(template="call_submitted").count() == 1


@pytest.fixture
def reviewed_world(small_directory, member, staff):
    """A submitted proposal (lab-tcell with acme-bio); reviewers: one pending, one with a conflict declared, one
    who declared none; a colleague of the applicant (lab-tcell) and a member of the partner (acme-bio)."""
    call = make_call()
    proposal = make_draft(member, call)
    services.proposal_submit(actor=member, proposal=proposal)
    people = {name: make_user(f"{name}@test.example", Role.MEMBER) for name in
              ("pending", "conflicted", "reviewer", "colleague", "partner", "other")}
    Membership.objects.create(user=people["colleague"], organization=Organization.objects.get(key="lab-tcell"))
    Membership.objects.create(user=people["partner"], organization=Organization.objects.get(key="acme-bio"))
    for name in ("pending", "conflicted", "reviewer"):
        services.assignment_create(actor=staff, proposal=proposal, reviewer=people[name])
    services.assignment_declare(actor=people["conflicted"], assignment=Assignment.objects.get(reviewer=people["conflicted"]),
                                conflict=True, note="I consult for acme-bio")
    services.assignment_declare(actor=people["reviewer"], assignment=Assignment.objects.get(reviewer=people["reviewer"]),
                                conflict=False)
    return {"call": call, "proposal": proposal, "member": member, **people}


@translation.override("en")  # the refusals are read in English (a leaked language made it so before)
def test_a_reviewer_of_the_consortium_s_organizations_is_refused(reviewed_world, staff):
    for name in ("colleague", "partner"):
        with pytest.raises(services.CallError) as refused:
            services.assignment_create(actor=staff, proposal=reviewed_world["proposal"], reviewer=reviewed_world[name])
        assert refused.value.field == "reviewer" and "conflict of interest" in refused.value.message
    assert not Assignment.objects.filter(reviewer__in=[reviewed_world["colleague"], reviewed_world["partner"]]).exists()


CONFIDENTIAL = ("Un résumé confidentiel", "Tri cellulaire des lymphocytes T", "CYTO-X")


@pytest.mark.parametrize("who,sees", [
    ("member", True), ("staff", True), ("admin_user", True), ("reviewer", True),
    ("pending", False), ("conflicted", False), ("colleague", False), ("partner", False), ("other", False),
    ("guest", False), ("manager", False)])
def test_proposal_confidentiality_per_role_and_door(client, reviewed_world, request, who, sees, settings):
    user = reviewed_world.get(who) or request.getfixturevalue(who)
    proposal = reviewed_world["proposal"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.calls.models import ProposalDocument

    document = ProposalDocument.objects.create(proposal=proposal, name="annexe.txt",
                                               file=SimpleUploadedFile("annexe.txt", b"annexe confidentielle"))
    client.force_login(user)
    page = client.get(reverse("calls:proposal", args=[proposal.pk]))
    assert page.status_code == (200 if sees else 404)
    if sees:
        assert all(text in page.content.decode() for text in CONFIDENTIAL)
    download = client.get(reverse("calls:document", args=[proposal.pk, document.pk]))
    assert download.status_code == (200 if sees else 404)
    # The API (a browser session counts for reads).
    listed = client.get("/api/v1/calls/proposals").json()
    assert [p["id"] for p in listed] == ([proposal.pk] if sees else [])
    assert client.get(f"/api/v1/calls/proposals/{proposal.pk}").status_code == (200 if sees else 404)
    # The reviewer's own page: the pending one sees the consortium's organizations only; conflicted sees nothing.
    mine = client.get(reverse("calls:mine")).content.decode()
    if who in ("pending", "conflicted", "colleague", "partner", "other", "guest", "manager"):
        assert not any(text in mine for text in CONFIDENTIAL[:2])
    if who == "pending":
        assert "Laboratoire d" in mine  # the lead's name, to judge a conflict
    # The CSV export: the cluster team only.
    export = client.get(reverse("calls:export", args=[reviewed_world["call"].key]))
    assert export.status_code == (200 if who in ("staff", "admin_user") else 403)
    # E-mails: none to anyone but the applicant carries the proposal's texts.
    for message in OutboxMessage.objects.exclude(to=[reviewed_world["member"].email]):
        assert not any(text in message.body + message.subject for text in CONFIDENTIAL[:2]), message.subject


def test_anonymous_visitors_see_nothing_of_proposals(client, reviewed_world):
    proposal = reviewed_world["proposal"]
    assert client.get(reverse("calls:proposal", args=[proposal.pk])).status_code == 302
    assert client.get("/api/v1/calls/proposals").status_code == 401
    assert client.get(f"/api/v1/calls/proposals/{proposal.pk}").status_code == 401
    assert "CYTO-X" not in client.get(reverse("calls:detail", args=[reviewed_world["call"].key])).content.decode()


def test_scores_on_the_grid_once_and_the_ranking(client, reviewed_world, staff):
    reviewer = reviewed_world["reviewer"]
    assignment = Assignment.objects.get(reviewer=reviewer)
    first, second = reviewed_world["call"].criteria.all()
    with pytest.raises(services.CallError) as refused:
        services.review_submit(actor=reviewer, assignment=assignment, scores={str(first.pk): "6", str(second.pk): "1"})
    assert refused.value.field == f"score-{first.pk}"
    with pytest.raises(services.CallError):  # the one who declared a conflict cannot score
        services.review_submit(actor=reviewed_world["conflicted"],
                               assignment=Assignment.objects.get(reviewer=reviewed_world["conflicted"]),
                               scores={str(first.pk): "5", str(second.pk): "5"})
    client.force_login(reviewer)
    # A score out of the grid: the page again, saying why, with what was typed (the redirect emptied the grid).
    refused = client.post(reverse("calls:review", args=[assignment.pk]),
                          {f"score-{first.pk}": "9", f"score-{second.pk}": "2", "comment": "Très long avis."},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert f'id="score-{first.pk}" value="9"' in page and f'id="score-{second.pk}" value="2"' in page
    assert ">Très long avis.</textarea>" in page and "give a score from 0 to 5" in page
    client.post(reverse("calls:review", args=[assignment.pk]), {f"score-{first.pk}": "4", f"score-{second.pk}": "2",
                                                                  "comment": "Solide."})
    assignment.refresh_from_db()
    assert assignment.status == "reviewed" and assignment.scores == {str(first.pk): 4, str(second.pk): 2}
    # Amended until the decision (issue 16): the page offers the scores given, a second sending replaces them,
    # the old ones kept in the audit log. (It used to be refused: "a review is scored once".)
    page = client.get(reverse("calls:proposal", args=[assignment.proposal_id])).content.decode()
    assert f'id="score-{first.pk}" value="4"' in page and ">Solide.</textarea>" in page and 'id="send-review"' in page
    services.review_submit(actor=reviewer, assignment=assignment, scores={str(first.pk): "1", str(second.pk): "1"},
                           comment="Moins solide.")
    assignment.refresh_from_db()
    assert assignment.scores == {str(first.pk): 1, str(second.pk): 1} and assignment.comment == "Moins solide."
    amended = AuditEvent.objects.get(action="assignment.review_amend", entity_key=str(assignment.pk))
    assert amended.changes["scores"][0] == {str(first.pk): 4, str(second.pk): 2}
    client.post(reverse("calls:review", args=[assignment.pk]), {f"score-{first.pk}": "4", f"score-{second.pk}": "2",
                                                                  "comment": "Solide."})
    Proposal.objects.filter(pk=assignment.proposal_id).update(status="rejected", decided_at=timezone.now())
    with pytest.raises(services.CallError) as refused:  # decided: the reviews are closed, amending included
        services.review_submit(actor=reviewer, assignment=assignment, scores={str(first.pk): "5", str(second.pk): "5"})
    assert refused.value.field == "status"
    Proposal.objects.filter(pk=assignment.proposal_id).update(status="submitted", decided_at=None)
    from guichet.calls.selectors import ranking

    [row] = ranking(reviewed_world["call"])
    assert row["mean"] == Decimal("66.7") and row["reviews"] == 1  # (2·4 + 1·2) / (2·5 + 1·5) = 10/15
    client.force_login(staff)
    csv = client.get(reverse("calls:export", args=[reviewed_world["call"].key])).content.decode()
    assert "CYTO-X" in csv and "66.7" in csv and "45000" in csv


def test_the_xlsx_export_holds_ranking_scores_and_budget_and_member_text_stays_text(client, reviewed_world, staff,
                                                                                      outsider):
    import io

    from openpyxl import load_workbook

    proposal = reviewed_world["proposal"]
    Proposal.objects.filter(pk=proposal.pk).update(title='=HYPERLINK("http://evil.example","clic")')
    criteria = list(reviewed_world["call"].criteria.all())
    services.review_submit(actor=reviewed_world["reviewer"],
                           assignment=Assignment.objects.get(reviewer=reviewed_world["reviewer"]),
                           scores={str(criteria[0].pk): 4, str(criteria[1].pk): 2}, comment="+33 solid")
    url = reverse("calls:export_xlsx", args=[reviewed_world["call"].key])
    client.force_login(outsider)
    assert client.get(url).status_code == 403  # confidential: the team only
    client.force_login(staff)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ranking", "Scores", "Budget"]
    ranking = list(book["Ranking"].iter_rows(min_row=3, values_only=True))
    assert len(ranking) == 1
    rank, number, acronym, title = ranking[0][:4]
    assert (rank, number, acronym) == (1, proposal.pk, "CYTO-X")
    cell = book["Ranking"].cell(row=3, column=4)
    assert title == '=HYPERLINK("http://evil.example","clic")' and cell.data_type == "s"  # text, never a formula
    assert float(ranking[0][9]) == 66.7 and float(ranking[0][8]) == 45000  # (2·4 + 1·2) / 15 = 66.7; budget asked
    scores = {row[2]: row for row in book["Scores"].iter_rows(min_row=3, values_only=True)}
    assert len(scores) == 3  # pending, conflicted, reviewed: every assignment, one row each
    reviewed = next(r for r in scores.values() if r[6] is not None)
    assert (reviewed[4], reviewed[5], float(reviewed[6]), reviewed[7]) == (4, 2, 66.7, "+33 solid")
    assert book["Scores"].cell(row=2, column=5).value == f"criterion_{criteria[0].pk}"
    budget = sorted(book["Budget"].iter_rows(min_row=3, values_only=True), key=lambda r: r[4])
    assert [(r[3], float(r[4])) for r in budget] == [("Plateforme de cytométrie", 5000), ("Ingénieur", 40000)]


def test_the_committee_decides_with_reasons_and_an_award_becomes_a_partnership(reviewed_world, staff):
    proposal, applicant = reviewed_world["proposal"], reviewed_world["member"]
    applicant.language = "en"
    applicant.save()
    with pytest.raises(services.CallError) as refused:
        services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="  ", amount="1000")
    assert refused.value.field == "reason"
    with pytest.raises(services.CallError) as refused:
        services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="Excellent.", amount="46000")
    assert refused.value.field == "amount"  # above the 45,000 asked
    with pytest.raises(services.NotAllowed):
        services.proposal_decide(actor=applicant, proposal=proposal, award=True, reason="Mine.", amount="1000")
    Call.objects.filter(pk=proposal.call_id).update(status="review")
    services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="Excellent and feasible.",
                             amount="40000")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.awarded_eur) == ("awarded", Decimal("40000.00"))
    partnership = Partnership.objects.get(pk=proposal.partnership_id)
    assert partnership.value_eur == Decimal("40000.00")
    assert {o.key for o in partnership.parties.all()} == {"lab-tcell", "acme-bio"}
    assert partnership.stage_changes.get().stage == "signed"
    told = OutboxMessage.objects.get(template="call_decided")
    assert told.to == [applicant.email] and "is funded: 40000.00 EUR" in told.body
    assert "Excellent and feasible." in told.body
    assert Call.objects.get(pk=proposal.call_id).status == "decided"  # its last proposal decided
    with pytest.raises(services.CallError):
        services.proposal_decide(actor=staff, proposal=proposal, award=False, reason="Changed my mind.")


def test_the_clock_reminds_unsubmitted_drafts_once_and_closes_the_call(small_directory, member):
    call = make_call(deadline_in=timedelta(hours=30))
    make_draft(member, call)
    submitted = make_draft(member, call, acronym="DONE")
    services.proposal_submit(actor=member, proposal=submitted)
    assert run_periodic()["calls"] == {"reminded": 1, "closed": 0}
    assert OutboxMessage.objects.filter(template="call_deadline_reminder").count() == 1
    assert run_periodic()["calls"] == {"reminded": 0, "closed": 0}  # once
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(seconds=1),
                                           opens_at=timezone.now() - timedelta(days=3))
    assert run_periodic()["calls"]["closed"] == 1
    assert Call.objects.get(pk=call.pk).status == "review"


def test_calls_kpis_as_of_a_past_date(reviewed_world, staff):
    proposal = reviewed_world["proposal"]
    decided = timezone.now() - timedelta(days=100)
    services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="Good.", amount="30000", now=decided)
    today = timezone.localdate()
    values = compute(as_of=today, start=date(2000, 1, 1), end=today).values
    assert (values["call_projects_awarded_total"], values["call_amount_awarded_total"]) == (1, Decimal("30000.00"))
    before = compute(as_of=(decided - timedelta(days=1)).date(), start=date(2000, 1, 1),
                     end=(decided - timedelta(days=1)).date()).values
    assert (before["call_projects_awarded_total"], before["call_amount_awarded_total"]) == (0, Decimal("0"))
    recent = compute(as_of=today, start=today - timedelta(days=30), end=today).values
    assert recent["call_projects_awarded_in_period"] == 0 and recent["call_proposals_submitted_in_period"] == 1


def test_call_pages_in_both_languages(client, small_directory):
    call = make_call()
    fr = client.get(reverse("calls:detail", args=[call.key]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    en = client.get(reverse("calls:detail", args=[call.key]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Appel à projets d&#x27;amorçage" in fr and "Consortium public-privé exigé" in fr
    assert "Seed call for projects" in en and "(Paris time)" in en
    assert client.get("/api/v1/calls").json()[0]["budget_ceiling_eur"] == "50000.00"


def test_an_award_s_partnership_is_signed_on_the_paris_day_not_the_utc_one(reviewed_world, staff):
    """At 23:30 UTC on 31 December it is 00:30 on 1 January in Paris: the partnership is signed in the new year,
    and counts in that year's KPIs, as the decision does (day_start/day_end are Paris days)."""
    from datetime import UTC, datetime

    proposal = reviewed_world["proposal"]
    decided = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="Good.", amount="30000", now=decided)
    proposal.refresh_from_db()
    partnership = Partnership.objects.get(pk=proposal.partnership_id)
    assert partnership.stage_changes.get().on == date(2026, 1, 1)
    Partnership.objects.filter(pk=partnership.pk).update(confirmed_at=decided)  # the team's confirmation
    values = compute(as_of=date(2026, 1, 31), start=date(2026, 1, 1), end=date(2026, 1, 31)).values
    assert (values["call_projects_awarded_in_period"], values["partnerships_signed_in_period"]) == (1, 1)
    last_year = compute(as_of=date(2025, 12, 31), start=date(2025, 1, 1), end=date(2025, 12, 31)).values
    assert (last_year["call_projects_awarded_total"], last_year["partnerships_signed_total"]) == (0, 0)


def _review_page(client, user, proposal, language):
    client.force_login(user)
    return client.get(reverse("calls:proposal", args=[proposal.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_an_amended_review_is_counted_dated_audited_and_seen_by_the_reviewer_and_the_team_until_the_decision(
        client, reviewed_world, staff):
    reviewer, proposal = reviewed_world["reviewer"], reviewed_world["proposal"]
    assignment = Assignment.objects.get(reviewer=reviewer)
    first, second = reviewed_world["call"].criteria.all()
    url = reverse("calls:review", args=[assignment.pk])
    client.force_login(reviewer)
    client.post(url, {f"score-{first.pk}": "4", f"score-{second.pk}": "2", "comment": "Solide."})
    assignment.refresh_from_db()
    reviewed_at = assignment.reviewed_at
    assert (assignment.status, assignment.amendments, assignment.amended_at) == ("reviewed", 0, None)
    assert "amended" not in _review_page(client, reviewer, proposal, "en").split('id="my-review"')[1].split("</p>")[0]
    # The same review sent again changes nothing: no amendment counted, none audited.
    client.post(url, {f"score-{first.pk}": "4", f"score-{second.pk}": "2", "comment": "Solide."})
    assignment.refresh_from_db()
    assert assignment.amendments == 0 and not AuditEvent.objects.filter(action="assignment.review_amend").exists()

    client.post(url, {f"score-{first.pk}": "3", f"score-{second.pk}": "2", "comment": "Moins solide."})
    assignment.refresh_from_db()
    assert assignment.scores == {str(first.pk): 3, str(second.pk): 2} and assignment.amendments == 1
    assert assignment.reviewed_at == reviewed_at and assignment.amended_at is not None  # the first sending kept
    [amended] = AuditEvent.objects.filter(action="assignment.review_amend", entity_key=str(assignment.pk))
    assert amended.actor == reviewer and amended.changes == {
        "scores": [{str(first.pk): 4, str(second.pk): 2}, {str(first.pk): 3, str(second.pk): 2}],
        "comment": ["Solide.", "Moins solide."], "amendments": [0, 1]}

    # The reviewer and the team see that it was amended, in both languages; the applicant sees no review.
    for language, said, score in (("en", "amended once, on ", "53.3/100"), ("fr", "modifiée une fois, le ", "53,3/100")):
        mine = _review_page(client, reviewer, proposal, language).split('id="my-review"')[1].split("</p>")[0]
        assert said in mine, language
        reviews = _review_page(client, staff, proposal, language).split('id="reviews"')[1].split("</section>")[0]
        line = next(li for li in reviews.split("<li>") if "Moins solide." in li)
        assert said in line and score in line  # (2·3 + 1·2) / 15
        client.force_login(staff)
        manage = client.get(reverse("calls:manage", args=[reviewed_world["call"].key]),
                            HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert said in manage.split('id="ranking"')[1].split("</table>")[0]
        assert said not in _review_page(client, reviewed_world["member"], proposal, language)
    client.force_login(reviewer)
    client.post(url, {f"score-{first.pk}": "2", f"score-{second.pk}": "2", "comment": "Moins solide."})
    assert "amended 2 times, last on " in _review_page(client, reviewer, proposal, "en")
    assert "modifiée 2 fois, la dernière le " in _review_page(client, reviewer, proposal, "fr")

    # Decided: amending is refused with a translated message, the form is gone, nothing is written.
    services.proposal_decide(actor=staff, proposal=proposal, award=False, reason="Hors du périmètre.")
    audited = AuditEvent.objects.count()
    for language, message in (("en", "This proposal is decided: reviews are closed."),
                              ("fr", "Ce projet est décidé\u00a0: les évaluations sont closes.")):
        client.force_login(reviewer)
        response = client.post(url, {f"score-{first.pk}": "5", f"score-{second.pk}": "5", "comment": "Tard."},
                               HTTP_ACCEPT_LANGUAGE=language, follow=True)
        page = response.content.decode()
        assert message in page and 'id="send-review"' not in page, language
        assert ("reviews are closed" if language == "en" else "les évaluations sont closes") in page.split(
            'id="my-review"')[1].split("</p>")[0]
    assignment.refresh_from_db()
    assert assignment.scores == {str(first.pk): 2, str(second.pk): 2} and assignment.amendments == 2
    assert AuditEvent.objects.count() == audited


def test_a_reviewer_who_declared_no_conflict_but_never_scored_gets_no_form_once_decided(client, reviewed_world,
                                                                                       staff):
    reviewer, proposal = reviewed_world["reviewer"], reviewed_world["proposal"]
    services.proposal_decide(actor=staff, proposal=proposal, award=False, reason="Hors du périmètre.")
    for language, closed in (("en", "The committee has decided: reviews are closed."),
                             ("fr", "Le comité a décidé\u00a0: les évaluations sont closes.")):
        page = _review_page(client, reviewer, proposal, language)
        assert 'id="send-review"' not in page and closed in page, language


def test_the_xlsx_export_says_the_decision_and_each_review_s_amendments_in_french_and_only_to_the_team(
        client, reviewed_world, staff, guest):
    import io
    from zoneinfo import ZoneInfo

    from openpyxl import load_workbook

    reviewer, proposal = reviewed_world["reviewer"], reviewed_world["proposal"]
    assignment = Assignment.objects.get(reviewer=reviewer)
    first, second = reviewed_world["call"].criteria.all()
    for scores in ((4, 2), (3, 2), (3, 1)):
        services.review_submit(actor=reviewer, assignment=assignment,
                               scores={str(first.pk): scores[0], str(second.pk): scores[1]}, comment="=1+1")
    services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="@excellent", amount="40000")
    assignment.refresh_from_db()
    proposal.refresh_from_db()
    url = reverse("calls:export_xlsx", args=[reviewed_world["call"].key])
    # Other roles: the applicant, the reviewer, a guest get no workbook; a visitor is sent to sign in.
    for user in (reviewed_world["member"], reviewer, reviewed_world["other"], guest):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403 and not response.get("Content-Type", "").startswith(
            "application/vnd.openxmlformats"), user
    client.logout()
    assert client.get(url).status_code == 302

    client.force_login(staff)
    book = load_workbook(io.BytesIO(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content))
    assert book.sheetnames == ["Classement", "Notes", "Budget"]
    ranking = book["Classement"]
    labels = [c.value for c in ranking[1]]
    names = [c.value for c in ranking[2]]
    assert labels[-3:] == ["Montant accordé (EUR)", "Motifs de la décision", "Décidé le"]
    row = dict(zip(names, next(ranking.iter_rows(min_row=3, values_only=True)), strict=True))
    paris = timezone.localtime(proposal.decided_at, ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    assert row["status"] == "Financé"
    assert abs((row["decided_at"] - paris).total_seconds()) < 1 and float(row["awarded_eur"]) == 40000
    assert row["decision_reason"] == "@excellent" and ranking.cell(row=3, column=names.index("decision_reason") + 1
                                                                   ).data_type == "s"
    scores = book["Notes"]
    labels, names = [c.value for c in scores[1]], [c.value for c in scores[2]]
    assert labels[-2:] == ["Dernière modification", "Modifications"] and names[-2:] == ["amended_at", "amendments"]
    rows = [dict(zip(names, r, strict=True)) for r in scores.iter_rows(min_row=3, values_only=True)]
    reviewed = next(r for r in rows if r["amendments"])
    amended = timezone.localtime(assignment.amended_at, ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    assert reviewed["amendments"] == 2 and abs((reviewed["amended_at"] - amended).total_seconds()) < 1
    assert (reviewed[f"criterion_{first.pk}"], reviewed[f"criterion_{second.pk}"]) == (3, 1)
    assert reviewed["comment"] == "=1+1" and float(reviewed["score"]) == 46.7  # (2·3 + 1·1) / 15, text not formula
    assert all(r["amendments"] == 0 for r in rows if r is not reviewed)
