"""Calls for projects and jobs in Chromium: an applicant drafts, fills the budget table and submits to a call; a
reviewer declares no conflict and scores on the phone; staff read the ranking and decide, and the applicant reads
the decision. A visitor applies to a job with a CV, confirms from the e-mail, and the poster downloads the CV."""

import re

import pytest

from guichet.accounts.models import Membership
from guichet.calls.models import Assignment, Proposal
from guichet.core.models import OutboxMessage
from guichet.directory.models import Organization
from guichet.talent.models import Application

from ..call_fixtures import make_call
from ..factories import UserFactory
from ..talent_fixtures import PDF, make_posting
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_applicant_submits_a_reviewer_scores_and_staff_decide(browser, live_server, small_directory, tmp_path,
                                                               settings):
    settings.MEDIA_ROOT = tmp_path
    call = make_call()
    applicant = UserFactory(email="porteur@e2e.example")
    Membership.objects.create(user=applicant, organization=Organization.objects.get(key="lab-tcell"))
    reviewer = UserFactory(email="reviewer@e2e.example")
    staff = UserFactory(email="comite@e2e.example", staff=True)

    page = login(browser, live_server, applicant.email)
    page.goto(f"{live_server.url}/calls/{call.key}/")
    page.fill("#id_acronym", "TSORT")
    page.fill("#id_title", "Tri des lymphocytes T")
    page.click("#start")
    page.wait_for_selector("#proposal-form")
    page.fill("#id_summary", "Un panel de tri pour les lymphocytes T épuisés.")
    page.select_option("#id_partners", label="Acme Antibodies (example)")
    rows = page.locator("#budget tbody tr")
    rows.nth(0).locator("select").select_option("staff")
    rows.nth(0).locator("input[name=budget_description]").fill("Ingénieur")
    rows.nth(0).locator("input[name=budget_amount]").fill("30000")
    page.set_input_files("#id_documents", files=[{"name": "annexe.pdf", "mimeType": "application/pdf",
                                                   "buffer": PDF}])
    page.click("#save")
    page.wait_for_selector(".messages li.success")
    assert Proposal.objects.get().budget_total == 30000
    assert page.locator("#budget tbody tr").nth(0).locator("input[name=budget_amount]").input_value() in ("30000,00", "30000.00")
    page.click("#submit")
    page.wait_for_selector(".messages li.success")
    assert "Déposé" in page.locator("#proposal-status").inner_text()
    proposal = Proposal.objects.get()
    assert proposal.status == "submitted" and proposal.documents.get().name == "annexe.pdf"

    team = login(browser, live_server, staff.email)
    team.goto(f"{live_server.url}/calls/{call.key}/manage/")
    team.fill("#reviewer", reviewer.email)
    team.click("#assign")
    team.wait_for_selector(".messages li.success")
    assert Assignment.objects.get().reviewer == reviewer

    judge = login(browser, live_server, reviewer.email)
    judge.set_viewport_size({"width": 390, "height": 844})
    judge.goto(f"{live_server.url}/calls/mine/")
    assert "Tri des lymphocytes" not in judge.content()  # nothing before the declaration
    judge.click(f"#no-conflict-{Assignment.objects.get().pk}")
    judge.wait_for_selector("#review-form")
    for field in judge.locator("#review-form input[type=number]").all():
        field.fill("4")
    judge.fill("#comment", "Projet solide.")
    judge.click("#send-review")
    judge.wait_for_selector("#my-review")
    assert judge.evaluate("document.documentElement.scrollWidth") <= 390

    team.goto(f"{live_server.url}/calls/{call.key}/manage/")
    assert "80,0" in team.locator("#ranking").inner_text()  # 4/5 on every criterion
    team.click("#ranking a")
    team.select_option("#outcome", "award")
    team.fill("#amount", "25000")
    team.fill("#reason", "Excellent et faisable.")
    team.click("#decide")
    team.wait_for_selector("#decision")
    proposal.refresh_from_db()
    assert proposal.status == "awarded" and proposal.partnership is not None

    page.goto(f"{live_server.url}/calls/proposals/{proposal.pk}/")
    assert "Excellent et faisable." in page.locator("#decision").inner_text()
    assert OutboxMessage.objects.filter(template="call_decided", to=[applicant.email]).exists()


def test_a_visitor_applies_to_a_job_and_the_poster_downloads_the_cv(browser, live_server, small_directory, tmp_path,
                                                                 settings):
    settings.MEDIA_ROOT = tmp_path
    poster = UserFactory(email="recruteur@e2e.example")
    posting = make_posting(poster, title="Ingénieure en cytométrie")
    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.goto(f"{live_server.url}/talent/?q=cytometrie")
    visitor.click("#postings a")
    visitor.fill("#id_full_name", "Vera Visitor")
    visitor.fill("#id_email", "vera@example.org")
    cv = tmp_path / "vera-cv.pdf"
    cv.write_bytes(PDF)
    visitor.set_input_files("#id_cv", str(cv))
    visitor.click("#apply")
    visitor.wait_for_selector("text=Check your e-mail")
    mail = OutboxMessage.objects.get(to=["vera@example.org"])
    path = re.search(r"https?://[^/\s]+(/talent/a/[\w-]+/)", mail.body).group(1)
    visitor.goto(live_server.url + path)
    visitor.click("#confirm")
    visitor.wait_for_selector(".messages li.success")
    assert "Received" in visitor.locator("#application-status").inner_text()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390

    recruiter = login(browser, live_server, poster.email)
    recruiter.goto(f"{live_server.url}/talent/{posting.pk}/applications/")
    assert "Vera Visitor" in recruiter.locator("#applications").inner_text()
    with recruiter.expect_download() as download:
        recruiter.click("#applications a[href*='/cv/']")
    with open(download.value.path(), "rb") as file:
        assert file.read() == PDF
    assert Application.objects.get().status == "received"
