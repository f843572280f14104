"""Jobs and talent through their doors: a member posts for their organization, visitors search (accents
ignored) and apply with a CV confirmed by e-mail, the CV is read by the poster and the team only, the poster
closes the posting as filled (the others are told, in their language), the clock expires what is past its
date, and the jobs KPIs read the same for a past date."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from guichet.accounts.models import Membership, Role
from guichet.core.jobs import run_periodic
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.directory.models import Organization
from guichet.impact.kpis import compute
from guichet.talent import services
from guichet.talent.models import Application, Posting
from guichet.talent.services import TalentError

from .conftest import make_user
from .talent_fixtures import PDF, cv, make_posting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def token_in(message):
    match = re.search(r"https?://\S+/talent/a/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def apply_as_visitor(client, posting, email="ada@example.org", name="Ada Lovelace", lang="en", file=None):
    return client.post(reverse("talent:apply", args=[posting.pk]),
                       {"full_name": name, "email": email, "letter": "I sort cells.", "cv": file or cv()},
                       HTTP_ACCEPT_LANGUAGE=lang)


# --- posting ----------------------------------------------------------------------------------------------

def test_a_member_posts_for_their_organization_through_the_page(client, small_directory, member):
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    client.force_login(member)
    page = client.get(reverse("talent:new"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Publier" in page and "lab-tcell" not in page  # the organization by its name
    # The posting's language is named in the reader's language, not left in English on a French page.
    assert '<option value="en">Anglais</option>' in page and ">English<" not in page
    until = (services.today_paris() + timedelta(days=20)).isoformat()
    data = {"organization": Organization.objects.get(key="lab-tcell").pk, "kind": "phd", "contract": "doctoral",
            "language": "en", "title": "PhD: B-cell memory", "description": "Three years.", "location": "Marseille",
            "expires_on": until}
    response = client.post(reverse("talent:new"), data)
    posting = Posting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("talent:detail", args=[posting.pk])
    assert (posting.posted_by, posting.kind, posting.status) == (member, "phd", "open")
    assert AuditEvent.objects.filter(action="posting.create", entity_key=str(posting.pk)).exists()
    # A date past is refused on its field, nothing written.
    response = client.post(reverse("talent:new"), {**data, "title": "Other", "expires_on": "2020-01-01"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Open until: the date is already past." in response.content.decode()
    assert Posting.objects.count() == 1
    # The trial (December 2026): a start in 2099 was published; the planned-date bounds hold (ten years ahead).
    response = client.post(reverse("talent:new"), {**data, "title": "Other", "starts_on": "2099-01-01"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Start date: Give a date between" in response.content.decode()
    assert Posting.objects.count() == 1


def test_posting_is_refused_for_another_organization_a_guest_and_a_far_date(small_directory, member, guest):
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    far = services.today_paris() + timedelta(days=services.MAX_OPEN_DAYS + 1)
    common = {"kind": "job", "title": "T", "description": "D"}
    with pytest.raises(services.NotAllowed) as refused:
        services.posting_create(actor=member, organization=Organization.objects.get(key="acme-bio"),
                                expires_on=date.today() + timedelta(days=5), **common)
    assert refused.value.field == "organization"
    Membership.objects.create(user=guest, organization=Organization.objects.get(key="lab-tcell"))
    with pytest.raises(services.NotAllowed):
        services.posting_create(actor=guest, organization=Organization.objects.get(key="lab-tcell"),
                                expires_on=date.today() + timedelta(days=5), **common)
    with pytest.raises(TalentError) as refused:
        services.posting_create(actor=member, organization=Organization.objects.get(key="lab-tcell"),
                                expires_on=far, **common)
    assert refused.value.field == "expires_on"
    with pytest.raises(TalentError) as refused:
        services.posting_create(actor=member, organization=Organization.objects.get(key="lab-tcell"),
                                expires_on=far - timedelta(days=10), kind="job", title="  ", description="D")
    assert refused.value.field == "title"
    assert not Posting.objects.exists()


def test_the_search_ignores_accents_and_case_and_lists_open_postings_only(client, small_directory, member):
    open_one = make_posting(member, title="Ingénieur·e en cytométrie")
    make_posting(member, title="Stage en protéomique", kind="internship")
    closed = make_posting(member, title="Ingénieur en cytométrie (pourvu)")
    services.posting_close(actor=member, posting=closed, outcome="filled")
    page = client.get(reverse("talent:list"), {"q": "CYTOMETRIE ingenieur"}).content.decode()
    assert open_one.title in page and "Stage en protéomique" not in page and "(pourvu)" not in page
    page = client.get(reverse("talent:list"), {"kind": "internship"}).content.decode()
    assert "Stage en protéomique" in page and open_one.title not in page
    # A posting whose date is past is not listed even before the clock closes it.
    Posting.objects.filter(pk=open_one.pk).update(expires_on=date(2020, 1, 1))
    assert open_one.title not in client.get(reverse("talent:list"), {"q": "cytometrie"}).content.decode()
    assert client.get(reverse("talent:list"), {"kind": "nonsense"}).status_code == 400
    # The closed posting: its poster still opens it, others find nothing.
    assert client.get(reverse("talent:detail", args=[closed.pk])).status_code == 404
    client.force_login(member)
    assert client.get(reverse("talent:detail", args=[closed.pk])).status_code == 200


# --- applying ---------------------------------------------------------------------------------------------

def test_a_visitor_applies_confirms_by_e_mail_and_only_then_the_poster_is_told(client, small_directory, member,
                                                                            django_capture_on_commit_callbacks):
    member.language = "fr"
    member.save()
    posting = make_posting(member)
    response = apply_as_visitor(client, posting, email="Ada@Example.org")
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    application = Application.objects.get()
    assert application.status == "pending" and application.email == "ada@example.org"
    assert default_storage.open(application.cv.name).read() == PDF
    mail = OutboxMessage.objects.get(to=["ada@example.org"])
    assert mail.subject == f"[Guichet] Confirm your application: {posting.title}"  # the visitor's language
    assert not OutboxMessage.objects.filter(to=[member.email]).exists()  # the poster sees nothing yet
    client.force_login(member)
    assert "Ada Lovelace" not in client.get(reverse("talent:applications", args=[posting.pk])).content.decode()
    client.logout()

    token = token_in(mail)
    assert client.get(reverse("talent:application", args=[token])).status_code == 200  # a GET confirms nothing
    assert Application.objects.get().status == "pending"
    client.post(reverse("talent:confirm", args=[token]))
    assert Application.objects.get().status == "received"
    told = OutboxMessage.objects.get(to=[member.email], template="talent_application")
    assert told.subject.startswith("[Guichet] Nouvelle candidature")  # the poster's language
    # E-mails carry no applicant data: the poster reads it on the page, after logging in.
    assert [w for w in ("Ada", "ada@example.org", "I sort cells") if w in told.body] == []
    assert OutboxMessage.objects.filter(to=["ada@example.org"], template="talent_applied").count() == 1
    client.post(reverse("talent:confirm", args=[token]))  # a second click changes nothing
    assert OutboxMessage.objects.filter(template="talent_application").count() == 1


def test_a_cv_that_is_not_a_document_is_refused_on_its_field_and_nothing_is_kept(client, small_directory, member,
                                                                               tmp_path):
    posting = make_posting(member)
    response = apply_as_visitor(client, posting, file=cv("cv.pdf", b"MZ\x90\x00 a program"), lang="en")
    # The page again with what was typed (the trial: a redirect emptied the form, the cover letter lost).
    assert response.status_code == 400
    page = response.content.decode()
    assert "CV: The file cv.pdf is not a real .pdf file." in page
    assert 'value="Ada Lovelace"' in page and 'value="ada@example.org"' in page and ">I sort cells.</textarea>" in page
    response = apply_as_visitor(client, posting, file=cv("cv.exe", PDF), lang="en")
    assert response.status_code == 400 and "is not of an accepted type (pdf, docx, odt)" in response.content.decode()
    assert not Application.objects.exists() and not OutboxMessage.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_one_live_application_per_address_and_a_closed_posting_takes_none(client, small_directory, member,
                                                                       outsider):
    posting = make_posting(member)
    services.application_create(actor=outsider, posting=posting, full_name="Out Sider", cv=cv())
    with pytest.raises(services.AlreadyApplied) as refused:
        services.application_create(actor=None, posting=posting, full_name="Again", email="OUTSIDER@test.example",
                                    cv=cv())
    assert refused.value.field == "email"
    services.posting_close(actor=member, posting=posting, outcome="withdrawn")
    with pytest.raises(TalentError) as refused:
        services.application_create(actor=None, posting=posting, full_name="Late", email="late@example.org", cv=cv())
    assert refused.value.field == "posting"
    assert Application.objects.count() == 1


def test_only_the_poster_and_staff_read_the_applications_and_cv(client, small_directory, member, outsider, staff,
                                                              manager, guest, admin_user):
    posting = make_posting(member)
    colleague = make_user("colleague@test.example", Role.MEMBER)  # same organization, did not post it
    Membership.objects.create(user=colleague, organization=posting.organization)
    application = services.application_create(actor=outsider, posting=posting, full_name="Out Sider",
                                              letter="Secret letter", cv=cv())
    list_url = reverse("talent:applications", args=[posting.pk])
    cv_url = reverse("talent:cv", args=[application.pk])
    assert client.get(cv_url).status_code == 302  # anonymous: the login page
    for user, listing, cv_status in ((member, 200, 200), (staff, 200, 200), (admin_user, 200, 200),
                                     (colleague, 403, 404), (manager, 403, 404), (guest, 403, 404),
                                     (outsider, 403, 404)):
        client.force_login(user)
        response = client.get(list_url)
        assert response.status_code == listing, user
        if listing == 200:
            assert "Secret letter" in response.content.decode() and "Out Sider" in response.content.decode()
        response = client.get(cv_url)
        assert response.status_code == cv_status, user
        if cv_status == 200:
            assert b"".join(response.streaming_content) == PDF
        assert client.post(reverse("talent:decline", args=[application.pk])).status_code == (
            302 if cv_status == 200 else 404)
        assert Application.objects.get().status == ("declined" if cv_status == 200 else "received"), user
        Application.objects.filter(pk=application.pk).update(status="received")
    # The applicant reads their own application by its link (status only), never the others' list.
    assert "Out Sider" in client.get(reverse("talent:application", args=[application.token])).content.decode()
    # The public page and the API say nothing of who applied.
    client.logout()
    assert "Out Sider" not in client.get(reverse("talent:detail", args=[posting.pk])).content.decode()
    assert "Out Sider" not in client.get("/api/v1/talent/postings").content.decode()


def test_closing_as_filled_hires_one_declines_and_tells_the_others_in_their_language(small_directory, member,
                                                                                   outsider):
    posting = make_posting(member)
    outsider.language = "en"
    outsider.save()
    chosen = services.application_create(actor=None, posting=posting, full_name="Camille", email="camille@example.org",
                                         cv=cv(), language="fr")
    services.application_confirm(token=chosen.token)
    other = services.application_create(actor=outsider, posting=posting, full_name="Out Sider", cv=cv())
    unconfirmed = services.application_create(actor=None, posting=posting, full_name="Never", email="n@example.org",
                                              cv=cv())
    with pytest.raises(services.NotAllowed):
        services.posting_close(actor=outsider, posting=posting, outcome="filled")
    services.posting_close(actor=member, posting=posting, outcome="filled", hired=chosen)
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {chosen.pk: "hired", other.pk: "declined", unconfirmed.pk: "withdrawn"}
    closed = OutboxMessage.objects.get(template="talent_posting_closed")
    assert closed.to == [outsider.email] and closed.subject.startswith("[Guichet] Position closed")
    assert not OutboxMessage.objects.filter(template="talent_posting_closed", to=["camille@example.org"]).exists()
    with pytest.raises(TalentError) as refused:
        services.posting_close(actor=member, posting=posting, outcome="withdrawn")
    assert refused.value.field == "status"
    assert Posting.objects.get().status == "filled"


def test_the_clock_expires_a_posting_once_and_tells_its_poster(small_directory, member, outsider):
    posting = make_posting(member, days=2)
    services.application_create(actor=outsider, posting=posting, full_name="Out Sider", cv=cv())
    Posting.objects.filter(pk=posting.pk).update(expires_on=services.today_paris() - timedelta(days=1))
    assert run_periodic()["postings_expired"] == 1
    posting.refresh_from_db()
    assert posting.status == "expired" and posting.closed_at is not None
    told = OutboxMessage.objects.get(template="talent_posting_expired")
    assert told.to == [member.email] and "1 " in told.body
    assert Application.objects.get().status == "declined"
    assert run_periodic()["postings_expired"] == 0  # once
    assert OutboxMessage.objects.filter(template="talent_posting_expired").count() == 1


@pytest.mark.django_db(transaction=True)  # the file goes after commit
def test_cvs_are_deleted_by_the_clock_after_the_retention_delay_and_the_privacy_page_says_it(
        client, small_directory, member, outsider, staff, settings, tmp_path):
    # Issue 16: CVs were kept for ever. GUICHET_TALENT_CV_RETENTION_DAYS after the posting closed, they go.
    settings.MEDIA_ROOT = tmp_path
    settings.GUICHET_TALENT_CV_RETENTION_DAYS = 30
    old, recent = make_posting(member, title="Ancien poste"), make_posting(member, title="Poste récent")
    gone = services.application_create(actor=outsider, posting=old, full_name="Out Sider", cv=cv())
    kept = services.application_create(actor=make_user("candidate@test.example", Role.MEMBER), posting=recent,
                                       full_name="Can Didate", cv=cv())
    now = timezone.now()
    Posting.objects.filter(pk=old.pk).update(status="filled", closed_at=now - timedelta(days=31))
    Posting.objects.filter(pk=recent.pk).update(status="withdrawn", closed_at=now - timedelta(days=29))
    path = Path(Application.objects.get(pk=gone.pk).cv.path)
    assert path.is_file()
    assert run_periodic()["cvs_purged"] == 1
    gone.refresh_from_db()
    assert gone.cv.name == "" and gone.cv_purged_at is not None and gone.full_name == "Out Sider"
    assert not path.exists() and Path(Application.objects.get(pk=kept.pk).cv.path).is_file()
    assert AuditEvent.objects.filter(action="application.cv_purge", entity_key=str(gone.pk)).count() == 1
    assert run_periodic()["cvs_purged"] == 0  # once
    client.force_login(member)
    assert client.get(reverse("talent:cv", args=[gone.pk])).status_code == 404
    assert client.get(reverse("talent:cv", args=[kept.pk])).status_code == 200
    page = client.get(reverse("privacy:page"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "deleted 30 days after the posting closes" in page
    page = client.get(reverse("privacy:page"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "supprimé 30 jours après la clôture de l’offre" in page


def test_jobs_kpis_are_recomputed_as_of_a_past_date(small_directory, member):
    now = timezone.now()
    long_ago = now - timedelta(days=400)
    a = services.posting_create(actor=member, organization=make_posting(member).organization, kind="job", title="A",
                                description="D", expires_on=(long_ago + timedelta(days=30)).date(), now=long_ago)
    services.posting_close(actor=member, posting=a, outcome="filled", now=long_ago + timedelta(days=20))
    b = make_posting(member, title="B")
    services.posting_close(actor=member, posting=b, outcome="filled")
    make_posting(member, title="C")  # withdrawn or open: offered, not filled
    today = services.today_paris()
    before = (long_ago + timedelta(days=10)).date()
    assert compute(as_of=today, start=date(2000, 1, 1), end=today).values["jobs_filled_total"] == 2
    assert compute(as_of=today, start=date(2000, 1, 1), end=today).values["jobs_offered_total"] == 4
    as_then = compute(as_of=before, start=date(2000, 1, 1), end=before).values
    assert (as_then["jobs_offered_total"], as_then["jobs_filled_total"]) == (1, 0)
    this_year = compute(as_of=today, start=today - timedelta(days=30), end=today).values
    assert (this_year["jobs_offered_in_period"], this_year["jobs_filled_in_period"]) == (3, 1)


def test_the_api_lists_open_postings_and_hides_closed_ones(client, small_directory, member):
    posting = make_posting(member, title="Ingénieure anticorps")
    closed = make_posting(member, title="Closed one")
    services.posting_close(actor=member, posting=closed, outcome="withdrawn")
    body = client.get("/api/v1/talent/postings", {"q": "ingenieure"}).json()
    assert [p["id"] for p in body] == [posting.pk] and body[0]["organization"] == "lab-tcell"
    assert client.get(f"/api/v1/talent/postings/{closed.pk}").status_code == 404
    assert client.get("/api/v1/talent/postings", {"kind": "x"}).status_code == 422
    assert client.get(f"/api/v1/talent/postings/{posting.pk}").json()["expires_on"] == posting.expires_on.isoformat()


def test_pages_in_french_and_english(client, small_directory, member):
    posting = make_posting(member)
    fr = client.get(reverse("talent:detail", args=[posting.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    en = client.get(reverse("talent:detail", args=[posting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Envoyer ma candidature" in fr and "Send my application" in en
    assert "Emplois et stages" in client.get(reverse("talent:list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
