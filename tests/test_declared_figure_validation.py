"""A founder's declared figure counts in the KPIs only once the cluster team validated it (issue 11: "a declared
figure counts in KPIs only once validated; every KPI shows how much of it is validated"). Funding rounds and
headcounts take the same path: the team validates or returns each one from its queue (`/startups/rounds/`,
`/startups/headcounts/`), a returned figure says why and counts nowhere, and only validated figures count in
their indicator (funds raised, jobs) and its validated share. One suite over both kinds, then what only one
kind has."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.startups import services
from guichet.startups.models import FundingRound, Headcount, Startup

from .conftest import make_user

pytestmark = pytest.mark.django_db
SEED = Decimal("500000")  # the team's validated round
FOUNDERS = Decimal("7000000")  # the founder's round, waiting for the team
VALIDATED = 12  # the team's headcount of 2024
DECLARED = 500  # the founder's headcount, waiting for the team


@dataclass(frozen=True)
class Kind:
    """What differs between the two kinds of declared figure; every test below runs once for each."""
    name: str
    queue: str  # the team's queue; a figure's row there is id="<row>-<pk>", its POSTs <queue><pk>/validate|return/
    row: str
    action: str  # audit actions <action>.validate, <action>.return
    kpi: str
    validated: object  # the world's figure, validated by the team
    declared: object  # the founder's figure, waiting for the team
    both: object  # the KPI once the founder's figure is validated too
    waiting_share: tuple[int, int]  # the KPI's validated share while the founder's figure waits
    reason: str  # why the team returns it
    refusal: type[Exception]
    seed: Callable  # (startup, org): the world's validated figure
    declare: Callable  # (client, world, on=None): the founder's figure, as the founder declares it
    validate: Callable  # (actor, record) -> how many validated
    give_back: Callable  # (actor, record, reason)
    entity_key: Callable  # (record) -> the audit event's entity_key
    as_of: Callable  # (day) -> the KPI as it read that day


def _declare_round(client, world, amount=FOUNDERS, on=None) -> FundingRound:
    on = on or timezone.localdate() - timedelta(days=30)
    client.force_login(world["founder"])
    response = client.post("/startups/acme-bio/", {"round_on": on.isoformat(), "round_amount": str(amount),
                                                   "round_kind": "Série A"})
    assert response.status_code == 302
    return FundingRound.objects.get(amount_eur=amount)


def _declare_headcount(client, world, headcount=DECLARED, on=None) -> Headcount:
    on = on or date(2025, 6, 1)
    client.force_login(world["founder"])
    response = client.post("/startups/acme-bio/", {"headcount_on": on.isoformat(), "headcount": str(headcount)})
    assert response.status_code == 302
    return Headcount.objects.get(organization=world["org"], on=on)


ROUND = Kind(
    name="round", queue="/startups/rounds/", row="round", action="fundinground", kpi="funds_raised_total",
    validated=SEED, declared=FOUNDERS, both=SEED + FOUNDERS,
    waiting_share=(1, 2),  # rounds are counted one by one: the seed round of two
    reason="Le montant est celui de la levée totale.", refusal=services.RoundRefused,
    seed=lambda startup, org: FundingRound.objects.create(startup=startup, on=date(2022, 3, 1), amount_eur=SEED,
                                                          validated_at=datetime(2022, 3, 1, tzinfo=PARIS)),
    declare=_declare_round,
    validate=lambda actor, record: services.funding_round_validate(actor=actor, rounds=[record]),
    give_back=lambda actor, record, reason: services.funding_round_return(actor=actor, funding_round=record,
                                                                          reason=reason),
    entity_key=lambda record: str(record.pk),
    as_of=lambda day: kpis.funds_raised(None, day, day))

HEADCOUNT = Kind(
    name="headcount", queue="/startups/headcounts/", row="headcount", action="headcount", kpi="jobs",
    validated=VALIDATED, declared=DECLARED, both=DECLARED,  # the latest headcount of each organization counts
    waiting_share=(0, 1),  # one organization, whose latest figure waits
    reason="Effectif au 31 décembre, pas en juin.", refusal=services.HeadcountRefused,
    seed=lambda startup, org: Headcount.objects.create(organization=org, on=date(2024, 1, 1), headcount=VALIDATED,
                                                       validated_at=datetime(2024, 1, 1, tzinfo=PARIS)),
    declare=_declare_headcount,
    validate=lambda actor, record: services.headcount_validate(actor=actor, headcounts=[record]),
    give_back=lambda actor, record, reason: services.headcount_return(actor=actor, headcount=record, reason=reason),
    entity_key=lambda record: f"acme-bio@{record.on.isoformat()}",
    as_of=kpis.jobs)


@pytest.fixture(params=[ROUND, HEADCOUNT], ids=lambda kind: kind.name)
def kind(request) -> Kind:
    return request.param


def _world(seed) -> dict:
    staff = make_user("staff@r.example", Role.STAFF)
    founder = make_user("founder@r.example", Role.MEMBER)
    org = Organization.objects.create(key="acme-bio", name="Acme Bio", kind="startup")
    startup = Startup.objects.create(organization=org, founded_on=date(2021, 5, 1), origin="lab_spinoff")
    startup.founders.add(founder)
    seed(startup, org)
    return {"staff": staff, "founder": founder, "startup": startup, "org": org}


@pytest.fixture
def world(db, kind):
    return _world(kind.seed)


def _public_api(client, key: str) -> float:
    client.logout()
    return {row["key"]: row["value"] for row in client.get("/api/v1/impact/public").json()}[key]


# --- both kinds ------------------------------------------------------------------------------------------

def test_staff_validate_on_the_queue_and_the_figure_counts_from_its_validation(client, world, kind):
    declared = kind.declare(client, world, on=date(2024, 6, 1) if kind is ROUND else None)
    assert declared.validated_at is None and _public_api(client, kind.kpi) == float(kind.validated)
    report = kpis.compute()
    assert report.values[kind.kpi] == kind.validated and report.series["validation"][kind.kpi] == kind.waiting_share
    client.force_login(world["staff"])
    queue = client.get(kind.queue, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="{kind.row}-{declared.pk}"' in queue and "Acme Bio" in queue
    assert f'id="{kind.queue.split("/")[2]}-to-validate"' in client.get("/startups/").content.decode()
    assert client.post(f"{kind.queue}{declared.pk}/validate/").status_code == 302
    declared.refresh_from_db()
    assert declared.validated_by == world["staff"] and declared.validated_at is not None
    assert AuditEvent.objects.filter(action=f"{kind.action}.validate", entity_key=kind.entity_key(declared),
                                     actor=world["staff"]).count() == 1
    assert f'id="{kind.row}-{declared.pk}"' not in client.get(kind.queue).content.decode()
    assert _public_api(client, kind.kpi) == float(kind.both)
    today = declared.validated_at.astimezone(PARIS).date()
    validated_share = (kind.waiting_share[0] + 1, kind.waiting_share[1])
    assert kpis.compute(as_of=today).series["validation"][kind.kpi] == validated_share
    assert kind.as_of(today - timedelta(days=1)) == kind.validated  # the past reads the same later
    # A second click (or a colleague) validates nothing twice.
    client.force_login(world["staff"])
    client.post(f"{kind.queue}{declared.pk}/validate/")
    assert AuditEvent.objects.filter(action=f"{kind.action}.validate").count() == 1


def test_a_returned_figure_counts_nowhere_and_its_founders_read_why(client, world, kind):
    declared = kind.declare(client, world)
    client.force_login(world["staff"])
    refused = client.post(f"{kind.queue}{declared.pk}/return/", {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="en",
                          follow=True)
    assert "Reason for returning it: say what to correct." in refused.content.decode()
    refused = client.post(f"{kind.queue}{declared.pk}/return/", {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="fr",
                          follow=True)
    assert "Motif du renvoi" in refused.content.decode() and "dites ce qu’il faut corriger." in refused.content.decode()
    declared.refresh_from_db()
    assert declared.returned_at is None and not AuditEvent.objects.filter(action=f"{kind.action}.return").exists()
    client.post(f"{kind.queue}{declared.pk}/return/", {"reason": kind.reason})
    declared.refresh_from_db()
    assert declared.returned_at is not None and declared.validated_at is None
    event = AuditEvent.objects.get(action=f"{kind.action}.return")
    assert event.changes["returned_reason"][1] == kind.reason
    assert f'id="{kind.row}-{declared.pk}"' not in client.get(kind.queue).content.decode()
    # Returned: it can no longer be validated nor returned again, and it no longer counts as waiting either
    # (the validated figure stands, fully validated).
    assert kind.validate(world["staff"], declared) == 0
    with pytest.raises(kind.refusal):
        kind.give_back(world["staff"], declared, "encore")
    report = kpis.compute()
    assert report.values[kind.kpi] == kind.validated and report.series["validation"][kind.kpi] == (1, 1)
    client.force_login(world["founder"])
    assert kind.reason in client.get("/startups/acme-bio/").content.decode()
    page = client.get("/startups/acme-bio/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert kind.reason in page and "returned for correction" in page


def test_founders_neither_see_the_queue_nor_validate_nor_return(client, world, kind):
    declared = kind.declare(client, world)
    assert client.get(kind.queue).status_code == 403
    assert client.post(f"{kind.queue}{declared.pk}/validate/").status_code == 403
    assert client.post(f"{kind.queue}{declared.pk}/return/", {"reason": "x"}).status_code == 403
    with pytest.raises(services.NotAllowed):
        kind.validate(world["founder"], declared)
    with pytest.raises(services.NotAllowed):
        kind.give_back(world["founder"], declared, "x")
    declared.refresh_from_db()
    assert declared.validated_at is None and declared.returned_at is None


def test_a_reason_too_long_is_refused_naming_the_field(client, world, kind):
    declared = kind.declare(client, world)
    with pytest.raises(kind.refusal) as refused:
        kind.give_back(world["staff"], declared, "x" * 2001)
    assert refused.value.field == "reason"


def test_the_database_refuses_a_figure_both_validated_and_returned(world, kind):
    model = FundingRound if kind is ROUND else Headcount
    row = model.objects.get(validated_at__isnull=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(returned_at=datetime(2024, 2, 1, tzinfo=PARIS))


# --- funding rounds only ---------------------------------------------------------------------------------

@pytest.fixture
def round_world(db):
    return _world(ROUND.seed)


def _public_figures(client) -> dict:
    """funds_raised_total as each public door shows it: the public page, the public API."""
    client.logout()
    page = client.get("/impact/public/").content.decode().replace("\u202f", " ").replace("\xa0", " ")
    return {"page": page, "api": _public_api(client, "funds_raised_total")}


def test_a_founders_round_moves_no_public_figure_until_the_team_validates_it(client, round_world):
    world = round_world
    before = _public_figures(client)
    assert before["api"] == float(SEED) and "500 000" in before["page"]
    round_ = _declare_round(client, world)
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


def test_a_validated_round_counts_in_its_own_year_and_never_before_its_date(client, round_world):
    round_ = _declare_round(client, round_world, on=date(2024, 6, 1))
    assert services.funding_round_validate(actor=round_world["staff"], rounds=[round_]) == 1
    round_.refresh_from_db()
    today = round_.validated_at.astimezone(PARIS).date()
    assert kpis.funds_raised(None, date(2024, 5, 31), today) == SEED
    assert kpis.funds_raised(date(2024, 1, 1), date(2024, 12, 31), today) == FOUNDERS


def test_the_teams_own_round_stands_validated(round_world):
    world = round_world
    services.startup_declare(actor=world["staff"], startup=world["startup"], round_on=date(2023, 1, 1),
                             round_amount=Decimal("1000000"))
    made = FundingRound.objects.get(amount_eur=Decimal("1000000"))
    assert made.validated_by == world["staff"] and made.validated_at is not None
    assert kpis.compute().values["funds_raised_total"] == SEED + Decimal("1000000")


def test_rounds_stored_before_validation_existed_count_from_their_own_date(round_world):
    from importlib import import_module

    migration = import_module("guichet.startups.migrations.0004_funding_round_validation")
    old = FundingRound.objects.create(startup=round_world["startup"], on=date(2023, 6, 1),
                                      amount_eur=Decimal("300000"))
    migration.validate_existing(django_apps, None)
    old.refresh_from_db()
    assert old.validated_at == datetime(2023, 6, 1, tzinfo=PARIS) and old.validated_by is None
    assert kpis.funds_raised(None, date(2023, 6, 1), date(2023, 6, 1)) == SEED + Decimal("300000")
    assert kpis.funds_raised(None, date(2023, 5, 31), date(2023, 5, 31)) == SEED


# --- headcounts only -------------------------------------------------------------------------------------

@pytest.fixture
def headcount_world(db):
    return _world(HEADCOUNT.seed)


def test_a_corrected_headcount_for_the_same_day_waits_again_its_reason_gone(client, headcount_world):
    declared = _declare_headcount(client, headcount_world)
    services.headcount_return(actor=headcount_world["staff"], headcount=declared, reason=HEADCOUNT.reason)
    corrected = _declare_headcount(client, headcount_world, headcount=14)
    assert corrected.pk == declared.pk and corrected.returned_at is None and corrected.returned_reason == ""
    assert kpis.compute().series["validation"]["jobs"] == (0, 1)


def test_the_same_headcount_declared_again_after_a_return_waits_again(client, headcount_world):
    declared = _declare_headcount(client, headcount_world)
    services.headcount_return(actor=headcount_world["staff"], headcount=declared, reason="Justificatif manquant.")
    again = _declare_headcount(client, headcount_world)  # the same figure, now with its evidence sent to the team
    assert again.returned_at is None and again.validated_at is None
    assert services.headcount_validate(actor=headcount_world["staff"], headcounts=[again]) == 1


def test_the_startups_api_gives_each_headcount_with_its_validation_state(client, headcount_world):
    # Issue 11: the start-ups API carried the rounds' validation state but not the headcounts'.
    declared = _declare_headcount(client, headcount_world)
    other = _declare_headcount(client, headcount_world, headcount=40, on=date(2025, 9, 1))
    services.headcount_return(actor=headcount_world["staff"], headcount=other, reason="Pas de justificatif.")
    client.force_login(headcount_world["founder"])
    startup = client.get("/api/v1/startups").json()[0]
    assert startup["headcounts"] == [
        {"on": "2024-01-01", "headcount": VALIDATED, "status": "validated", "returned_reason": ""},
        {"on": "2025-06-01", "headcount": DECLARED, "status": "to_validate", "returned_reason": ""},
        {"on": "2025-09-01", "headcount": 40, "status": "returned", "returned_reason": "Pas de justificatif."}]
    # The figure that counts is the latest validated one, never a figure waiting for the team nor a returned one.
    assert startup["validated_headcount"] == VALIDATED == kpis.jobs(date.today())
    services.headcount_validate(actor=headcount_world["staff"], headcounts=[declared])
    startup = client.get("/api/v1/startups").json()[0]
    assert [h["status"] for h in startup["headcounts"]] == ["validated", "validated", "returned"]
    assert startup["validated_headcount"] == DECLARED == kpis.jobs(date.today())
    # Founders of another start-up see none of these figures.
    stranger = make_user("stranger@h.example", Role.MEMBER)
    client.force_login(stranger)
    assert client.get("/api/v1/startups").json() == []


def test_the_openapi_schema_documents_the_headcounts_and_their_states():
    from guichet.config.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    startup = schemas["StartupOut"]["properties"]
    assert "headcounts" in startup and "validated" in startup["validated_headcount"]["description"]
    headcount = schemas["HeadcountOut"]["properties"]
    assert set(headcount) == {"on", "headcount", "status", "returned_reason"}
    assert "to_validate" in headcount["status"]["description"] and "returned" in headcount["status"]["description"]
