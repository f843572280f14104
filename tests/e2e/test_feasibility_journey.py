"""The feasibility journey in Chromium: a sponsor fills the questionnaire, the cluster team sends it to three
relevant sites, each site answers with its estimate and interest, the sponsor reads the three answers, and the
cluster team closes the request with the two sites it chose."""

from datetime import date, timedelta

import pytest

from guichet.accounts.models import Membership
from guichet.clinical.models import Feasibility, SiteKind

from ..factories import UserFactory
from ..test_clinical import site  # noqa: F401 (the fictional sites' builder)
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_feasibility_to_three_sites_answered_and_closed(browser, live_server, transactional_db):
    sites = {
        "cic": site("ex-cic", "CIC exemple (fictif)", SiteKind.CIC, areas=["autoimmune"], phases=["2"],
                    indications="Lupus"),
        "rheum": site("ex-rheum", "Rhumatologie exemple (fictif)", SiteKind.DEPARTMENT, areas=["autoimmune"],
                      phases=["2", "3"]),
        "p1": site("ex-p1", "Phase I exemple (fictif)", SiteKind.PHASE_I, areas=["autoimmune"], phases=[]),
        "onco": site("ex-onco", "Oncologie exemple (fictif)", SiteKind.DEPARTMENT, areas=["cancer"], phases=["2"]),
    }
    UserFactory(email="sponsor@e2e.example")
    UserFactory(email="staff@e2e.example", staff=True)
    for name, s in sites.items():
        Membership.objects.create(user=UserFactory(email=f"{name}@e2e.example"), organization=s.organization,
                                  is_contact=True)
    soon = (date.today() + timedelta(days=21)).isoformat()

    sponsor = login(browser, live_server, "sponsor@e2e.example")
    sponsor.goto(live_server.url + "/clinical/sites/")
    sponsor.click("text=Demander une étude de faisabilité")
    sponsor.fill("#id_indication", "Lupus érythémateux systémique")
    sponsor.select_option("#id_area", "autoimmune")
    sponsor.select_option("#id_phase", "2")
    sponsor.fill("#id_population", "Adultes avec un lupus actif")
    sponsor.fill("#id_inclusion_criteria", "SLEDAI-2K ≥ 6")
    sponsor.fill("#id_patients_needed", "60")
    sponsor.fill("#id_recruitment_start", soon)
    sponsor.fill("#id_recruitment_months", "18")
    sponsor.fill("#id_deadline", soon)
    sponsor.click("#feasibility-form button[type=submit]")
    sponsor.wait_for_url("**/clinical/feasibility/*/")
    url = sponsor.url
    assert "Lupus érythémateux systémique" in sponsor.inner_text("main")

    staff = login(browser, live_server, "staff@e2e.example")
    staff.goto(url)
    # The three relevant sites come checked; oncology is among the others, unchecked.
    for key in ("cic", "rheum", "p1"):
        assert staff.is_checked(f"input[name=sites][value='{sites[key].pk}']")
    assert not staff.is_checked(f"input[name=sites][value='{sites['onco'].pk}']")
    staff.click("text=Envoyer le questionnaire")
    staff.wait_for_selector("text=Envoyée à 3 site(s).")

    for key, estimate, interest in (("cic", "25", "high"), ("rheum", "30", "medium"), ("p1", "0", "none")):
        page = login(browser, live_server, f"{key}@e2e.example")
        page.goto(url)
        page.fill("form.answer input[name$=estimate]", estimate)
        page.select_option("form.answer select[name$=interest]", interest)
        page.click("form.answer button[type=submit]")
        page.wait_for_selector("text=Votre réponse est enregistrée.")
        page.context.close()

    sponsor.goto(url)
    table = sponsor.inner_text("#answers")
    assert "25" in table and "30" in table and "Pas intéressé" in table

    staff.goto(url)
    staff.check(f"input[name=chosen][value='{sites['cic'].pk}']")
    staff.check(f"input[name=chosen][value='{sites['rheum'].pk}']")
    staff.click("text=Clôturer la demande")
    staff.wait_for_selector("text=La demande de faisabilité est close.")
    feasibility = Feasibility.objects.get()
    assert feasibility.request.status == "closed"
    assert sorted(feasibility.answers.filter(chosen=True).values_list("site__organization__key", flat=True)) == [
        "ex-cic", "ex-rheum"]
    assert staff.inner_text("#answers").count("oui") == 2
