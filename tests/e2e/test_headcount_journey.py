"""The headcount validation queue in Chromium (issue 11): a founder declares a headcount on the start-up's page,
the cluster team returns it with a reason from /startups/headcounts/, the founder reads why and declares the
corrected figure, the team validates it, and the founder sees it validated; only then does the jobs figure move."""

from datetime import date

import pytest

from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.startups.models import Headcount, Startup

from ..factories import UserFactory
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REASON = "Effectif au 31 décembre, pas en juin."


def test_a_founder_declares_the_team_returns_then_validates_and_the_founder_sees_it(browser, live_server,
                                                                                    transactional_db):
    founder = UserFactory(email="founder@hc.example", full_name="Fondatrice Acme")
    UserFactory(email="staff@hc.example", staff=True)
    org = Organization.objects.create(key="acme-bio", name="Acme Bio", kind="startup")
    Startup.objects.create(organization=org, founded_on=date(2021, 5, 1), origin="lab_spinoff").founders.add(founder)
    jobs_before = kpis.jobs(date.today())

    member = login(browser, live_server, founder.email)
    member.goto(live_server.url + "/startups/acme-bio/")
    member.fill("#id_headcount_on", "2025-06-30")
    member.fill("#id_headcount", "42")
    member.click("main form.stack button[type=submit]")
    member.wait_for_selector("text=Chiffres enregistrés.")
    main = " ".join(member.text_content("main").split())
    assert "42 en attente de la validation de l’équipe du cluster" in main, main
    declared = Headcount.objects.get(organization=org, on=date(2025, 6, 30))
    assert kpis.jobs(date.today()) == jobs_before  # waiting: it counts nowhere

    staff = login(browser, live_server, "staff@hc.example")
    staff.goto(live_server.url + "/startups/headcounts/")
    row = f"#headcount-{declared.pk}"
    assert "Acme Bio" in staff.inner_text(row) and "42" in staff.inner_text(row)
    staff.fill(f"#reason-{declared.pk}", REASON)
    staff.click(f"{row} button:has-text('Renvoyer')")
    staff.wait_for_selector("text=les fondateurs voient sur leur page ce qu’il faut corriger")
    assert staff.locator(row).count() == 0

    member.reload()
    main = " ".join(member.text_content("main").split())
    assert "renvoyé pour correction" in main and REASON in main and "renvoyée" not in main
    member.fill("#id_headcount_on", "2025-06-30")
    member.fill("#id_headcount", "44")  # the corrected figure for the same day waits again
    member.click("main form.stack button[type=submit]")
    member.wait_for_selector("text=Chiffres enregistrés.")
    assert REASON not in member.text_content("main")

    staff.goto(live_server.url + "/startups/headcounts/")
    assert "44" in staff.inner_text(row)
    staff.click(f"{row} button:has-text('Valider')")
    staff.wait_for_selector("text=cet effectif compte désormais dans les emplois")
    assert staff.locator(row).count() == 0 and staff.locator("#no-headcounts").count() == 1

    member.reload()
    main = " ".join(member.text_content("main").split())
    assert "44 validé" in main and "validée" not in main and "en attente" not in main
    assert kpis.jobs(date.today()) == jobs_before + 44
    member.context.close()
    staff.context.close()
