"""Founders' funding rounds count in the KPIs only once the cluster team validated them (issue 11: "a declared
figure counts in KPIs only once validated; every KPI shows how much of it is validated"), as headcounts do."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.startups import services
from guichet.startups.models import FundingRound, Startup

from .conftest import make_user

pytestmark = pytest.mark.django_db
SEED = Decimal("500000")  # the team's validated round
FOUNDERS = Decimal("7000000")  # the founder's round, waiting for the team


@pytest.fixture
def world(db):
    staff = make_user("staff@r.example", Role.STAFF)
    founder = make_user("founder@r.example", Role.MEMBER)
    org = Organization.objects.create(key="acme-bio", name="Acme Bio", kind="startup")
    startup = Startup.objects.create(organization=org, founded_on=date(2021, 5, 1), origin="lab_spinoff")
    startup.founders.add(founder)
    FundingRound.objects.create(startup=startup, on=date(2022, 3, 1), amount_eur=SEED,
                                validated_at=datetime(2022, 3, 1, tzinfo=PARIS))
    return {"staff": staff, "founder": founder, "startup": startup}


def _declare(client, world, amount=FOUNDERS, on=None) -> FundingRound:
    on = on or timezone.localdate() - timedelta(days=30)
    client.force_login(world["founder"])
    response = client.post("/startups/acme-bio/", {"round_on": on.isoformat(), "round_amount": str(amount),
                                                   "round_kind": "Série A"})
    assert response.status_code == 302
    return FundingRound.objects.get(amount_eur=amount)


def _public_figures(client) -> dict:
    """funds_raised_total as each public door shows it: the public page, the public API, the staff exports."""
    client.logout()
    page = client.get("/impact/public/").content.decode().replace("\u202f", " ").replace("\xa0", " ")
    api = {row["key"]: row["value"] for row in client.get("/api/v1/impact/public").json()}
    return {"page": page, "api": api["funds_raised_total"]}


def test_a_founders_round_moves_no_public_figure_until_the_team_validates_it(client, world):
    before = _public_figures(client)
    assert before["api"] == float(SEED) and "500 000" in before["page"]
    round_ = _declare(client, world)
    assert round_.validated_at is None and round_.validated_by is None
    after = _public_figures(client)
    assert after["api"] == before["api"] and "7 500 000" not in after["page"] and "500 000" in after["page"]
    report = kpis.compute()
    assert report.values["funds_raised_total"] == SEED
    assert report.values["economic_impact"] == SEED  # nothing else in this world
    # The dashboard says how much of it is validated: one round of two.
    assert report.series["validation"]["funds_raised_total"] == (1, 2)
    assert report.series["validation"]["economic_impact"] == (1, 2)
    client.force_login(world["staff"])
    rows = list(csv.reader(io.StringIO(client.get("/impact/export.csv").content.decode())))
    assert any(r[:1] == ["funds_raised_total"] and r[2] == "500000.00" for r in rows), rows
    dashboard = client.get("/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    funds = dashboard[dashboard.index('id="kpi-funds_raised_total"'):]
    assert "validated: 1 of 2" in funds[:funds.index("</li>")]
    # The founder sees it waits; the API says so too.
    client.force_login(world["founder"])
    assert "waiting for the cluster team" in client.get("/startups/acme-bio/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    statuses = {r["amount_eur"]: r["status"] for r in client.get("/api/v1/startups").json()[0]["rounds"]}
    assert statuses == {"500000.00": "validated", "7000000.00": "to_validate"}


def test_staff_validate_on_the_queue_and_the_round_counts_from_its_validation(client, world):
    round_ = _declare(client, world, on=date(2024, 6, 1))
    client.force_login(world["staff"])
    queue = client.get("/startups/rounds/").content.decode()
    assert f'id="round-{round_.pk}"' in queue and "Acme Bio" in queue
    response = client.post(f"/startups/rounds/{round_.pk}/validate/")
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.validated_by == world["staff"] and round_.validated_at is not None
    assert AuditEvent.objects.filter(action="fundinground.validate", entity_key=str(round_.pk),
                                     actor=world["staff"]).count() == 1
    assert f'id="round-{round_.pk}"' not in client.get("/startups/rounds/").content.decode()
    assert _public_figures(client)["api"] == float(SEED + FOUNDERS)
    today = round_.validated_at.astimezone(PARIS).date()
    assert kpis.compute(as_of=today).series["validation"]["funds_raised_total"] == (2, 2)
    # Validated today: as of the day before, the figure did not count yet (the past reads the same later),
    # and never as of a day before its own date.
    assert kpis.funds_raised(None, today - timedelta(days=1), today - timedelta(days=1)) == SEED
    assert kpis.funds_raised(None, date(2024, 5, 31), today) == SEED
    assert kpis.funds_raised(date(2024, 1, 1), date(2024, 12, 31), today) == FOUNDERS
    # A second click (or a colleague) validates nothing twice.
    client.post(f"/startups/rounds/{round_.pk}/validate/")
    assert AuditEvent.objects.filter(action="fundinground.validate").count() == 1


def test_a_returned_round_counts_nowhere_and_its_founders_read_why(client, world):
    round_ = _declare(client, world)
    client.force_login(world["staff"])
    refused = client.post(f"/startups/rounds/{round_.pk}/return/", {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="en",
                          follow=True)
    assert "Reason for returning it: say what to correct." in refused.content.decode()
    round_.refresh_from_db()
    assert round_.returned_at is None and not AuditEvent.objects.filter(action="fundinground.return").exists()
    client.post(f"/startups/rounds/{round_.pk}/return/", {"reason": "Le montant est celui de la levée totale."})
    round_.refresh_from_db()
    assert round_.returned_at is not None and round_.validated_at is None
    event = AuditEvent.objects.get(action="fundinground.return")
    assert event.changes["returned_reason"][1] == "Le montant est celui de la levée totale."
    assert f'id="round-{round_.pk}"' not in client.get("/startups/rounds/").content.decode()
    # Returned: it can no longer be validated, and it no longer counts as waiting either.
    assert services.funding_round_validate(actor=world["staff"], rounds=[round_]) == 0
    report = kpis.compute()
    assert report.values["funds_raised_total"] == SEED
    assert report.series["validation"]["funds_raised_total"] == (1, 1)
    with pytest.raises(services.RoundRefused):
        services.funding_round_return(actor=world["staff"], funding_round=round_, reason="encore")
    client.force_login(world["founder"])
    page = client.get("/startups/acme-bio/").content.decode()
    assert "Le montant est celui de la levée totale." in page


def test_founders_neither_see_the_queue_nor_validate(client, world):
    round_ = _declare(client, world)
    assert client.get("/startups/rounds/").status_code == 403
    assert client.post(f"/startups/rounds/{round_.pk}/validate/").status_code == 403
    assert client.post(f"/startups/rounds/{round_.pk}/return/", {"reason": "x"}).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.funding_round_validate(actor=world["founder"], rounds=[round_])
    with pytest.raises(services.NotAllowed):
        services.funding_round_return(actor=world["founder"], funding_round=round_, reason="x")
    round_.refresh_from_db()
    assert round_.validated_at is None and round_.returned_at is None


def test_the_teams_own_round_stands_validated(world):
    services.startup_declare(actor=world["staff"], startup=world["startup"], round_on=date(2023, 1, 1),
                             round_amount=Decimal("1000000"))
    made = FundingRound.objects.get(amount_eur=Decimal("1000000"))
    assert made.validated_by == world["staff"] and made.validated_at is not None
    assert kpis.compute().values["funds_raised_total"] == SEED + Decimal("1000000")


def test_rounds_stored_before_validation_existed_count_from_their_own_date(world):
    from importlib import import_module

    migration = import_module("guichet.startups.migrations.0004_funding_round_validation")
    old = FundingRound.objects.create(startup=world["startup"], on=date(2023, 6, 1), amount_eur=Decimal("300000"))
    migration.validate_existing(django_apps, None)
    old.refresh_from_db()
    assert old.validated_at == datetime(2023, 6, 1, tzinfo=PARIS) and old.validated_by is None
    assert kpis.funds_raised(None, date(2023, 6, 1), date(2023, 6, 1)) == SEED + Decimal("300000")
    assert kpis.funds_raised(None, date(2023, 5, 31), date(2023, 5, 31)) == SEED
