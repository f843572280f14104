"""Declaration campaigns: staff open a campaign, each member organization declares its figures with evidence,
staff validate or return them; reminders run as jobs; only validated figures count, each traceable."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from guichet.accounts.models import Membership, Role
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.core.workdays import PARIS
from guichet.declarations import services
from guichet.declarations.models import Campaign, Declaration, Evidence
from guichet.directory.models import Organization
from guichet.impact import kpis

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _pdf(name="proof.pdf") -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, "proof")
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


@pytest.fixture
def world(small_directory, member, outsider, staff, guest):
    """lab-tcell (the member, French), acme-bio (the outsider, English), hosp-rheum (a guest only)."""
    outsider.language = "en"
    outsider.save()
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    Membership.objects.create(user=outsider, organization=Organization.objects.get(key="acme-bio"))
    Membership.objects.create(user=guest, organization=Organization.objects.get(key="hosp-rheum"))
    Membership.objects.create(user=staff, organization=Organization.objects.get(key="hosp-rheum"))
    return {"member": member, "outsider": outsider, "staff": staff, "guest": guest}


def _campaign(staff, **kw) -> Campaign:
    today = timezone.localdate()
    data = {"title": "Déclarations 2025", "year": today.year - 1, "deadline": today + timedelta(days=30),
            "cluster_funding_eur": Decimal("1000000.00")} | kw
    return services.campaign_create(actor=staff, **data)


def _opened(world) -> Campaign:
    campaign = _campaign(world["staff"])
    services.campaign_open(actor=world["staff"], campaign=campaign)
    return campaign


def _decl(campaign, key) -> Declaration:
    return Declaration.objects.select_related("campaign").get(campaign=campaign, organization__key=key)


FIGURES = {"headcount": 40, "jobs_created": 3, "jobs_maintained": 37, "funds_public_eur": "500000",
           "funds_private_eur": "250000.50", "publications": 12, "patents": 2, "trials": 1, "people_trained": 20,
           "satisfaction": 4}


def test_opening_asks_each_member_organization_once_in_each_accounts_language(world):
    campaign = _campaign(world["staff"])
    OutboxMessage.objects.all().delete()
    asked = services.campaign_open(actor=world["staff"], campaign=campaign)
    # hosp-rheum has only a guest and a staff account: not a member organization to ask.
    assert asked == 2
    assert sorted(campaign.declarations.values_list("organization__key", flat=True)) == ["acme-bio", "lab-tcell"]
    subjects = {m.to[0]: m.subject for m in OutboxMessage.objects.filter(template="declaration_requested")}
    assert subjects == {"member@test.example": "Vos chiffres pour le biocluster\u00a0: Déclarations 2025",
                        "outsider@test.example": "Your figures for the cluster: Déclarations 2025"}
    body = OutboxMessage.objects.get(to=["outsider@test.example"]).body
    assert f"/declarations/{_decl(campaign, 'acme-bio').pk}/" in body
    assert AuditEvent.objects.filter(action="campaign.open", entity_key=str(campaign.pk)).count() == 1
    with pytest.raises(services.DeclarationError):  # opened once only
        services.campaign_open(actor=world["staff"], campaign=campaign)
    assert campaign.declarations.count() == 2


def test_only_staff_open_and_a_past_deadline_is_refused(world):
    with pytest.raises(services.NotAllowed):
        _campaign(world["member"])
    with pytest.raises(services.DeclarationError) as refused:
        _campaign(world["staff"], deadline=date(1980, 1, 1))
    assert refused.value.field == "deadline"
    campaign = _campaign(world["staff"])
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    campaign.refresh_from_db()
    with pytest.raises(services.DeclarationError) as late:
        services.campaign_open(actor=world["staff"], campaign=campaign)
    assert late.value.field == "deadline" and not campaign.declarations.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("funds_private_eur", "1e30"), ("funds_public_eur", "-5"), ("funds_public_eur", "12.345"),
    ("headcount", 1_000_000_000), ("headcount", -1), ("publications", 10_001), ("satisfaction", 6),
    ("jobs_created", "3.5"), ("funds_private_eur", "NaN"), ("funds_public_eur", "Infinity"),
])
def test_a_figure_out_of_bounds_is_refused_naming_its_field_and_nothing_is_written(world, field, value):
    campaign = _opened(world)
    declaration = _decl(campaign, "lab-tcell")
    events = AuditEvent.objects.count()
    with pytest.raises(services.DeclarationError) as refused:
        services.declaration_submit(actor=world["member"], declaration=declaration,
                                    figures={**FIGURES, field: value}, files=[_pdf()])
    assert refused.value.field == field
    label = str(Declaration._meta.get_field(field).verbose_name)
    assert label[:1].upper() + label[1:] in str(refused.value)
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.REQUESTED and declaration.headcount is None
    assert AuditEvent.objects.count() == events and not Evidence.objects.exists()


def test_the_database_refuses_a_figure_behind_the_services_back(world):
    declaration = _decl(_opened(world), "lab-tcell")
    # PostgreSQL refuses 1e15 in a numeric(16, 2) column before the CHECK (DataError); SQLite by the CHECK.
    for field, value in (("headcount", 10**9), ("funds_private_eur", Decimal("1e15")), ("satisfaction", 9)):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Declaration.objects.filter(pk=declaration.pk).update(**{field: value})


def test_the_form_refuses_1e30_with_a_translated_message_and_no_500(world, client):
    declaration = _decl(_opened(world), "lab-tcell")
    client.force_login(world["member"])
    response = client.post(f"/declarations/{declaration.pk}/", {**FIGURES, "funds_private_eur": "1e30"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cofinancements privés obtenus dans l’année (EUR)" in page and "errorlist" in page
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.REQUESTED
    # The figures page of the dashboard still renders with every stored row.
    client.force_login(world["staff"])
    assert client.get("/impact/").status_code == 200


def test_submit_validate_traces_who_declared_and_who_validated(world, client):
    campaign = _opened(world)
    declaration = _decl(campaign, "lab-tcell")
    client.force_login(world["member"])
    response = client.post(f"/declarations/{declaration.pk}/", {**FIGURES, "evidence": [_pdf("hal.pdf"),
                                                                                          _pdf("payroll.pdf")]})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.SUBMITTED and declaration.submitted_by == world["member"]
    assert declaration.funds_private_eur == Decimal("250000.50")
    assert sorted(declaration.evidence.values_list("name", flat=True)) == ["hal.pdf", "payroll.pdf"]
    # Staff are told; the member may not validate their own figures.
    assert OutboxMessage.objects.filter(template="declaration_submitted", to=["staff@test.example"]).exists()
    assert client.post(f"/declarations/{declaration.pk}/validate/").status_code == 403
    client.force_login(world["staff"])
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "hal.pdf" in page and "Valider ces chiffres" in page
    assert client.post(f"/declarations/{declaration.pk}/validate/").status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.VALIDATED and declaration.validated_by == world["staff"]
    actions = list(AuditEvent.objects.filter(entity_type="declaration", entity_key=str(declaration.pk))
                   .order_by("pk").values_list("action", "actor_label"))
    assert [a for a, _who in actions] == ["declaration.submit", "declaration.validate"]
    submit = AuditEvent.objects.get(action="declaration.submit", entity_key=str(declaration.pk))
    assert submit.changes["headcount"] == [None, "40"] and "hal.pdf" in submit.changes["evidence"][1]
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "Déclarée par Member" in page and "Validée par Staff" in page
    # Validated figures are final: neither the member nor staff can send them again.
    with pytest.raises(services.DeclarationError):
        services.declaration_submit(actor=world["member"], declaration=declaration, figures=FIGURES)
    with pytest.raises(services.DeclarationError):
        services.declaration_validate(actor=world["staff"], declaration=declaration)


def test_staff_return_with_a_reason_and_the_organization_corrects(world):
    declaration = _decl(_opened(world), "acme-bio")
    services.declaration_submit(actor=world["outsider"], declaration=declaration, figures=FIGURES)
    with pytest.raises(services.DeclarationError) as no_reason:
        services.declaration_return(actor=world["staff"], declaration=declaration, reason="  ")
    assert no_reason.value.field == "returned_reason"
    services.declaration_return(actor=world["staff"], declaration=declaration, reason="Private amount: 250,000?")
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.RETURNED
    told = OutboxMessage.objects.get(template="declaration_returned")
    assert told.to == ["outsider@test.example"] and "Private amount: 250,000?" in told.body
    services.declaration_submit(actor=world["outsider"], declaration=declaration,
                                figures={**FIGURES, "funds_private_eur": "200000"})
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.SUBMITTED and declaration.funds_private_eur == Decimal("200000")


def test_who_may_see_and_answer_a_declaration(world, client, admin_user):
    campaign = _opened(world)
    mine, theirs = _decl(campaign, "lab-tcell"), _decl(campaign, "acme-bio")
    client.force_login(world["member"])
    assert client.get(f"/declarations/{theirs.pk}/").status_code == 404
    assert client.post(f"/declarations/{theirs.pk}/", FIGURES).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.declaration_submit(actor=world["member"], declaration=theirs, figures=FIGURES)
    assert client.get(f"/declarations/{mine.pk}/").status_code == 200
    listed = client.get("/declarations/").content.decode()
    assert f"/declarations/{mine.pk}/" in listed and f"/declarations/{theirs.pk}/" not in listed
    client.force_login(world["guest"])
    assert client.get("/declarations/").status_code == 403
    assert client.get(f"/declarations/{mine.pk}/").status_code == 404
    client.force_login(world["member"])
    assert client.get("/declarations/campaigns/").status_code == 403
    assert client.post(f"/declarations/campaigns/{campaign.pk}/close/").status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN


def test_evidence_is_served_to_the_organization_and_staff_only_and_bad_files_are_refused(world, client, settings,
                                                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path
    declaration = _decl(_opened(world), "lab-tcell")
    with pytest.raises(services.DeclarationError) as refused:
        services.declaration_submit(actor=world["member"], declaration=declaration, figures=FIGURES,
                                    files=[SimpleUploadedFile("proof.pdf", b"MZ not a pdf", "application/pdf")])
    assert refused.value.field == "evidence" and "proof.pdf" in str(refused.value)
    services.declaration_submit(actor=world["member"], declaration=declaration, figures=FIGURES, files=[_pdf()])
    evidence = declaration.evidence.get()
    for user, status in ((world["member"], 200), (world["staff"], 200), (world["outsider"], 404)):
        client.force_login(user)
        response = client.get(f"/declarations/evidence/{evidence.pk}/")
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_only_validated_figures_count_as_of_their_validation_date(world):
    year = timezone.localdate().year - 1
    campaign = _opened(world)
    lab, acme = _decl(campaign, "lab-tcell"), _decl(campaign, "acme-bio")
    services.declaration_submit(actor=world["member"], declaration=lab, figures=FIGURES)
    services.declaration_submit(actor=world["outsider"], declaration=acme,
                                figures={"headcount": 5, "jobs_created": 5, "funds_private_eur": "2000000",
                                         "implanted": True, "satisfaction": 5})
    period = {"start": date(year, 1, 1), "end": date(year, 12, 31)}
    before = kpis.compute(**period)
    assert before.values["jobs_created_in_period"] == 0 and before.values["declared_headcount"] == 0
    assert before.values["partner_satisfaction"] is None
    assert before.series["validation"]["jobs_created_in_period"] == (0, 2)
    public_before = kpis.public_rows(kpis.compute(public=True))
    at = datetime.combine(timezone.localdate() - timedelta(days=10), time(12), PARIS)
    services.declaration_validate(actor=world["staff"], declaration=lab, now=at)
    after = kpis.compute(**period)
    # Independent computation: the validated declaration's figures alone.
    assert after.values["jobs_created_in_period"] == FIGURES["jobs_created"]
    assert after.values["jobs_maintained_in_period"] == FIGURES["jobs_maintained"]
    assert after.values["declared_headcount"] == FIGURES["headcount"]
    assert after.values["cofunding_private_in_period"] == Decimal(FIGURES["funds_private_eur"])
    assert after.values["leverage_public"] == round(500000 / 1000000, 2)
    assert after.values["leverage_private"] == round(250000.50 / 1000000, 2)
    assert after.values["companies_implanted_in_period"] == 0
    assert after.values["partner_satisfaction"] == 4.0
    assert after.series["validation"]["jobs_created_in_period"] == (1, 2)
    assert after.series["validation"]["companies_implanted_in_period"] == (0, 1)
    # As of the day before the validation, nothing counted yet; the public figures never moved.
    past = kpis.compute(as_of=at.date() - timedelta(days=1), **period)
    assert past.values["jobs_created_in_period"] == 0
    assert kpis.public_rows(kpis.compute(public=True)) == public_before
    services.declaration_validate(actor=world["staff"], declaration=acme, now=at)
    both = kpis.compute(**period)
    assert both.values["jobs_created_in_period"] == 3 + 5
    assert both.values["companies_implanted_in_period"] == 1
    assert both.values["partner_satisfaction"] == 4.5
    assert both.values["leverage_private"] == round((250000.50 + 2000000) / 1000000, 2)
    # Another year's period counts none of it.
    assert kpis.compute(start=date(year - 1, 1, 1), end=date(year - 1, 12, 31)).values["jobs_created_in_period"] == 0


def test_the_dashboard_says_how_much_of_a_declared_figure_is_validated(world, client):
    campaign = _opened(world)
    services.declaration_submit(actor=world["member"], declaration=_decl(campaign, "lab-tcell"), figures=FIGURES)
    client.force_login(world["staff"])
    year = timezone.localdate().year - 1
    page = client.get(f"/impact/?start={year}-01-01&end={year}-12-31").content.decode()
    assert "chiffre validé\u00a0: 0 sur 1 déclaré" in page and "déclarations sur" not in page


def test_scheduled_reminders_go_once_per_step_to_the_unanswered_only(world):
    campaign = _opened(world)
    services.declaration_submit(actor=world["member"], declaration=_decl(campaign, "lab-tcell"), figures=FIGURES)
    deadline = campaign.deadline

    def at(day):
        return datetime.combine(day, time(9), PARIS)

    assert services.send_campaign_reminders(now=at(deadline - timedelta(days=8))) == 0
    assert services.send_campaign_reminders(now=at(deadline - timedelta(days=7))) == 1
    assert services.send_campaign_reminders(now=at(deadline - timedelta(days=6))) == 0  # already sent
    assert services.send_campaign_reminders(now=at(deadline - timedelta(days=1))) == 1
    assert services.send_campaign_reminders(now=at(deadline)) == 0
    assert services.send_campaign_reminders(now=at(deadline + timedelta(days=1))) == 0
    acme = _decl(campaign, "acme-bio")
    assert (acme.reminders_sent, acme.reminder_step) == (2, 2)
    reminders = OutboxMessage.objects.filter(template="declaration_reminder")
    assert [m.to for m in reminders] == [["outsider@test.example"]] * 2
    assert "Reminder: your figures for Déclarations 2025" == reminders.first().subject


def test_a_reminder_asked_by_staff_is_a_job_that_reminds_each_unanswered_organization_once(
        world, django_capture_on_commit_callbacks):
    campaign = _opened(world)
    services.declaration_submit(actor=world["member"], declaration=_decl(campaign, "lab-tcell"), figures=FIGURES)
    asked = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_remind(actor=world["staff"], campaign=campaign, now=asked) == 1
    assert OutboxMessage.objects.filter(template="declaration_reminder").count() == 1
    # The same job delivered twice reminds nobody twice.
    assert services.campaign_remind_run(campaign.pk, asked.isoformat()) == 0
    assert _decl(campaign, "acme-bio").reminders_sent == 1
    with pytest.raises(services.NotAllowed):
        services.campaign_remind(actor=world["member"], campaign=campaign)


def test_the_tick_sends_the_scheduled_reminders(world, monkeypatch):
    from guichet.core import jobs

    campaign = _opened(world)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.localdate() + timedelta(days=1))
    done = jobs.run_periodic()
    assert done["campaign_reminders"] == 2
    assert OutboxMessage.objects.filter(template="declaration_reminder").count() == 2


def test_a_closed_campaign_takes_no_answer_and_keeps_its_validated_figures(world):
    campaign = _opened(world)
    lab = _decl(campaign, "lab-tcell")
    services.declaration_submit(actor=world["member"], declaration=lab, figures=FIGURES)
    services.declaration_validate(actor=world["staff"], declaration=lab)
    services.campaign_close(actor=world["staff"], campaign=campaign)
    with pytest.raises(services.DeclarationError):
        services.declaration_submit(actor=world["outsider"], declaration=_decl(campaign, "acme-bio"),
                                    figures=FIGURES)
    year = timezone.localdate().year - 1
    assert kpis.compute(start=date(year, 1, 1), end=date(year, 12, 31)).values["jobs_created_in_period"] == 3


def test_campaign_pages_create_open_and_show_the_completion_board(world, client):
    client.force_login(world["staff"])
    # Every label starts with a capital (the trial read "cluster's own funding for the year (EUR):").
    form = client.get("/declarations/campaigns/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cluster&#x27;s own funding for the year (EUR)" in form or "Cluster's own funding for the year (EUR)" in form
    year = timezone.localdate().year - 1
    bad = client.post("/declarations/campaigns/", {"title": "X", "year": year, "deadline": "1900-01-01"})
    assert bad.status_code == 400 and not Campaign.objects.exists()
    response = client.post("/declarations/campaigns/", {
        "title": "Campagne", "year": year, "deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "cluster_funding_eur": "1000", "ask_satisfaction": "on"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.status == Campaign.Status.DRAFT
    assert "2 organisations membres" in client.get(f"/declarations/campaigns/{campaign.pk}/").content.decode()
    client.post(f"/declarations/campaigns/{campaign.pk}/open/")
    services.declaration_submit(actor=world["member"], declaration=_decl(campaign, "lab-tcell"), figures=FIGURES)
    board = client.get(f"/declarations/campaigns/{campaign.pk}/").content.decode()
    assert "0\u00a0% validé\u00a0: 0 validées, 1 à valider, 0 renvoyées, 1 sans réponse." in board
    assert "Member" in board


def test_the_admin_opens_through_the_service_and_cannot_edit_figures(world, client):
    campaign = _campaign(world["staff"])
    client.force_login(world["staff"])
    response = client.post("/admin/declarations/campaign/", {"action": "open_campaigns",
                                                             "_selected_action": [campaign.pk]})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN and campaign.declarations.count() == 2
    declaration = campaign.declarations.first()
    client.post(f"/admin/declarations/declaration/{declaration.pk}/change/", {"headcount": 99})
    declaration.refresh_from_db()
    assert declaration.headcount is None


def test_privacy_export_and_erasure_keep_the_figures_without_the_person(world):
    from guichet.privacy.services import person_erase, person_export

    campaign = _opened(world)
    lab = _decl(campaign, "lab-tcell")
    services.declaration_submit(actor=world["member"], declaration=lab, figures=FIGURES)
    exported = person_export(actor=world["member"], person=world["member"])["parts"]["declarations"]
    assert exported["declared"][0]["organization"] == "lab-tcell"
    person_erase(actor=world["staff"], person=world["member"])
    lab.refresh_from_db()
    assert lab.submitted_by_id is None and lab.headcount == 40


def test_a_member_organization_with_a_new_member_role_is_asked(world):
    """A platform manager is a member of the network too: their organization is asked."""
    manager = make_user("manager2@test.example", Role.PLATFORM_MANAGER)
    Membership.objects.create(user=manager, organization=Organization.objects.get(key="hosp-rheum"))
    campaign = _campaign(world["staff"])
    assert services.campaign_open(actor=world["staff"], campaign=campaign) == 3


def test_an_empty_field_is_audited_as_empty_not_as_the_word_none(world):
    """The audit log showed "None" (English, and a Python word) for a campaign created without cluster funding."""
    campaign = _campaign(world["staff"], cluster_funding_eur=None)
    event = AuditEvent.objects.get(action="campaign.create", entity_key=str(campaign.pk))
    assert event.changes["cluster_funding_eur"] == [None, None]
    assert event.changes["title"] == [None, "Déclarations 2025"]


def test_the_dashboard_prints_a_small_leverage_to_the_hundredth_as_the_report_does(world, client):
    """Seen by the new-user trial: a private leverage of 0.04 read "0,0" on the dashboard and 0.04 in the report."""
    campaign = _opened(world)
    declaration = _decl(campaign, "lab-tcell")
    services.declaration_submit(actor=world["member"], declaration=declaration, figures=FIGURES)
    services.declaration_validate(actor=world["staff"], declaration=declaration)
    client.force_login(world["staff"])
    year = timezone.localdate().year - 1
    page = client.get(f"/impact/?start={year}-01-01&end={year}-12-31").content.decode()
    assert kpis.compute(start=date(year, 1, 1), end=date(year, 12, 31)).values["leverage_private"] == 0.25
    assert '<li id="kpi-leverage_private"><strong>0,25</strong>' in page
    assert '<li id="kpi-leverage_public"><strong>0,50</strong>' in page
