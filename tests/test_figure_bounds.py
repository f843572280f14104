"""Issue 9, defect 3: no figure typed at any door can take the public pages down or be published.

Bounds (core.bounds) on every amount, headcount, value and date: forms, the pipelines workbook and the
services refuse, naming the field; a CHECK constraint refuses behind them; and a row stored out of range
anyway (before the constraints, or behind their back) is left out of every KPI, listed for staff, and
repaired in the admin, while every page keeps rendering.
"""

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.utils import translation
from openpyxl import load_workbook

from guichet.accounts.models import Role
from guichet.core import bounds
from guichet.core.migrations._repair import repair_out_of_bounds
from guichet.core.models import AuditEvent
from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.impact.pipelines_import import PipelinesRefused, import_pipelines
from guichet.partnerships.models import Partnership
from guichet.startups.models import FundingRound, Headcount, Milestone, Startup

from . import test_bookings
from .conftest import make_user
from .test_pipelines_import import workbook

lab = test_bookings.lab

pytestmark = pytest.mark.django_db


@pytest.fixture
def startup(db):
    org = Organization.objects.create(key="acme-bio", name="Acme Bio", kind="startup")
    return Startup.objects.create(organization=org, founded_on=date(2021, 5, 1), origin="lab_spinoff")


@pytest.fixture
def founder_client(client, startup):
    founder = make_user("founder@b.example", Role.MEMBER)
    startup.founders.add(founder)
    client.force_login(founder)
    return client


@pytest.mark.parametrize("data, field", [
    ({"round_on": "2025-02-01", "round_amount": "1e30"}, "round_amount"),
    ({"round_on": "2025-02-01", "round_amount": "10000000000.01"}, "round_amount"),
    ({"round_on": "2099-02-01", "round_amount": "1000"}, "round_on"),
    ({"round_on": "1900-01-01", "round_amount": "1000"}, "round_on"),
    ({"headcount_on": "2025-01-01", "headcount": "1000000000"}, "headcount"),
    ({"headcount_on": "1900-01-01", "headcount": "4"}, "headcount_on"),
    ({"milestone_on": "2099-01-01", "milestone": "IPO"}, "milestone_on"),
])
def test_founder_form_refuses_figures_out_of_bounds_naming_the_field(founder_client, startup, data, field):
    response = founder_client.post("/startups/acme-bio/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert FundingRound.objects.count() == Headcount.objects.count() == Milestone.objects.count() == 0
    assert AuditEvent.objects.filter(action="startup.declare").count() == 0


def test_founder_form_still_takes_sane_figures_and_a_planned_milestone(founder_client, startup):
    response = founder_client.post("/startups/acme-bio/", {
        "round_on": "2025-02-01", "round_amount": "10000000000", "headcount_on": "2025-01-01", "headcount": "100000",
        "milestone_on": f"{date.today().year + 3}-01-01", "milestone": "Phase I"})
    assert response.status_code == 302
    assert FundingRound.objects.get().amount_eur == Decimal("10000000000")
    assert Headcount.objects.get().headcount == 100000


def test_service_refuses_what_the_form_refuses(startup, staff):
    from guichet.startups import services

    with pytest.raises(services.FigureRefused) as caught:
        services.startup_declare(actor=staff, startup=startup, round_on=date(2025, 1, 1),
                                 round_amount=Decimal("1e30"))
    assert caught.value.field == "round_amount"
    assert not FundingRound.objects.exists()


@pytest.mark.parametrize("make", [
    lambda s: FundingRound.objects.create(startup=s, on=date(2024, 1, 1), amount_eur=Decimal("10000000000.01")),
    lambda s: FundingRound.objects.create(startup=s, on=date(1900, 1, 1), amount_eur=Decimal("10")),
    lambda s: Headcount.objects.create(organization=s.organization, on=date(2024, 1, 1), headcount=100_001),
    lambda s: Milestone.objects.create(startup=s, on=date(2101, 1, 1), title="x"),
    lambda s: Partnership.objects.create(title="P", type="licence", value_eur=Decimal("999999999999")),
])
def test_database_refuses_rows_out_of_bounds(startup, make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(startup)


def _bypass_constraints():
    """Store what the CHECK constraints refuse, as a row written before them would be: SQLite can switch
    its checks off; on PostgreSQL the constraints are dropped inside the test's transaction (rolled back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
            cursor.execute("ALTER TABLE startups_fundinground DROP CONSTRAINT funding_round_amount_in_bounds")
            cursor.execute("ALTER TABLE startups_headcount DROP CONSTRAINT headcount_in_bounds")


@pytest.fixture
def smuggled(startup):
    """A round of 1e30 EUR (what SQLite kept of the founder's typing; PostgreSQL's numeric(14,2) holds at most
    ~1e12, so there the largest it can hold), a headcount of a billion, next to sane figures."""
    FundingRound.objects.create(startup=startup, on=date(2024, 1, 1), amount_eur=Decimal("500000"),
                                validated_at=datetime(2024, 1, 2, tzinfo=UTC))
    bad = FundingRound.objects.create(startup=startup, on=date(2024, 6, 1), amount_eur=Decimal("1"),
                                      validated_at=datetime(2024, 6, 2, tzinfo=UTC))
    Headcount.objects.create(organization=startup.organization, on=date(2023, 1, 1), headcount=12,
                             validated_at=datetime(2023, 1, 2, tzinfo=UTC))
    other = Organization.objects.create(key="other-bio", name="Other Bio", kind="startup")
    huge = Headcount.objects.create(organization=other, on=date(2024, 1, 1), headcount=1,
                                    validated_at=datetime(2024, 1, 2, tzinfo=UTC))
    _bypass_constraints()
    amount = "1e30" if connection.vendor == "sqlite" else "999999999999.99"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE startups_fundinground SET amount_eur = {amount} WHERE id = %s", [bad.pk])
        cursor.execute("UPDATE startups_headcount SET headcount = 1000000000 WHERE id = %s", [huge.pk])
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
    return SimpleNamespace(round=bad, headcount=huge)


def test_staff_see_figures_dated_in_the_future(startup):
    from datetime import timedelta

    Headcount.objects.create(organization=startup.organization, on=date.today() + timedelta(days=400), headcount=5)
    with translation.override("en"):
        assert [(str(r["what"]), r["name"]) for r in kpis.out_of_bounds()] == [("Headcount", "Acme Bio")]
    assert kpis.compute().values["jobs"] == 0


def test_kpis_leave_out_rows_out_of_bounds(smuggled):
    report = kpis.compute(as_of=date(2025, 1, 1))
    assert report.values["funds_raised_total"] == Decimal("500000")
    assert report.values["jobs"] == 12
    with translation.override("en"):
        listed = {(str(r["what"]), r["name"]) for r in kpis.out_of_bounds()}
    assert ("Funding round", "Acme Bio") in listed and ("Headcount", "Other Bio") in listed


def test_every_page_renders_with_a_row_out_of_bounds_stored(smuggled, client, staff):
    public = client.get("/impact/public/")
    assert public.status_code == 200
    assert "1,000,000" not in public.content.decode() and "1 000 000 0" not in public.content.decode()
    api = client.get("/api/v1/impact/public").json()
    assert {k["key"]: k["value"] for k in api}["jobs"] == 12
    client.force_login(staff)
    dashboard = client.get("/impact/", {"as_of": "2025-01-01"})
    assert dashboard.status_code == 200
    assert "Acme Bio" in dashboard.content.decode("utf-8").split('id="out-of-bounds"')[1].split("</section>")[0]
    csv_body = client.get("/impact/export.csv", {"as_of": "2025-01-01"}).content.decode()
    assert "funds_raised_total" in csv_body and "500000" in csv_body
    xlsx = load_workbook(io.BytesIO(client.get("/impact/export.xlsx", {"as_of": "2025-01-01"}).content))
    assert any(row[0] == "jobs" and row[2] == 12 for row in xlsx.worksheets[0].iter_rows(values_only=True))
    with TestCase.captureOnCommitCallbacks(execute=True):  # the PDF is drawn by a job, when the request commits
        asked = client.post("/impact/reports/new/", {})
    assert client.get(asked["Location"] + "report.pdf")["Content-Type"] == "application/pdf"
    startups = client.get("/api/v1/startups")
    assert startups.status_code == 200 and len(startups.json()[0]["rounds"]) == 2
    admin_page = client.get(f"/admin/startups/startup/{smuggled.round.startup_id}/change/")
    assert admin_page.status_code == 200


def test_staff_repair_the_row_in_the_admin(smuggled, client, admin_user):
    client.force_login(admin_user)
    startup = smuggled.round.startup
    good = FundingRound.objects.get(amount_eur=Decimal("500000"))
    data = {"organization": startup.organization_id, "founded_on": "2021-05-01", "origin": "lab_spinoff",
            "stage": "creation", "rounds-TOTAL_FORMS": "2", "rounds-INITIAL_FORMS": "2",
            "rounds-0-id": good.pk, "rounds-0-startup": startup.pk, "rounds-0-on": "2024-01-01",
            "rounds-0-amount_eur": "500000", "rounds-1-id": smuggled.round.pk, "rounds-1-startup": startup.pk,
            "rounds-1-on": "2024-06-01", "rounds-1-amount_eur": "1e30",
            "milestones-TOTAL_FORMS": "0", "milestones-INITIAL_FORMS": "0"}
    url = f"/admin/startups/startup/{startup.pk}/change/"
    refused = client.post(url, data)
    assert refused.status_code == 200  # the form again, with the amount's error
    assert "amount_eur" in refused.context["inline_admin_formsets"][0].formset.errors[1]
    data["rounds-1-amount_eur"] = "2000000"
    assert client.post(url, data).status_code == 302
    assert FundingRound.objects.get(pk=smuggled.round.pk).amount_eur == Decimal("2000000")
    assert AuditEvent.objects.filter(action="fundinground.update", entity_key=str(smuggled.round.pk)).exists()
    assert kpis.compute(as_of=date(2025, 1, 1)).values["funds_raised_total"] == Decimal("2500000")


def test_migration_repair_keeps_the_old_value_in_the_audit_log(smuggled):
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    repaired = repair_out_of_bounds(django_apps, editor, table="startups_fundinground", column="amount_eur",
                                    low=0, high=bounds.MAX_FUNDING_ROUND_EUR, replacement=0)
    assert repaired == 1
    assert FundingRound.objects.get(pk=smuggled.round.pk).amount_eur == 0
    event = AuditEvent.objects.get(action="bounds.repair")
    assert event.entity_key == str(smuggled.round.pk) and event.changes["amount_eur"][1] == "0"


@pytest.mark.parametrize("sheet, row, field", [
    ("funding_rounds", ["acme-bio", "2024-01-01", "1e30"], "amount_eur"),
    ("funding_rounds", ["acme-bio", "2099-01-01", "1000"], "on"),
    ("headcounts", ["acme-bio", "2024-01-01", 1_000_000_000], "headcount"),
    ("headcounts", ["acme-bio", "1900-01-01", 3], "on"),
])
def test_pipelines_workbook_refuses_figures_out_of_bounds(startup, staff, sheet, row, field):
    columns = {"funding_rounds": ["organization", "on", "amount_eur"],
               "headcounts": ["organization", "on", "headcount"]}[sheet]
    with pytest.raises(PipelinesRefused) as caught:
        import_pipelines(actor=staff, data=workbook(**{sheet: [columns, row]}))
    assert [(e.sheet, e.row, e.field) for e in caught.value.errors] == [(sheet, 2, field)]
    assert not FundingRound.objects.exists() and not Headcount.objects.exists()


def test_partnership_form_refuses_a_value_out_of_bounds(client, member):
    from guichet.accounts.models import Membership

    lab = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    Organization.objects.create(key="pharma", name="Pharma", kind="company")
    Membership.objects.create(user=member, organization=lab)
    client.force_login(member)
    response = client.post("/partnerships/", {"title": "Big", "type": "licence", "parties": "lab;pharma",
                                              "value_eur": "999999999999", "stage": "lead", "on": "2025-01-01"})
    assert response.status_code == 200 and "value_eur" in response.context["form"].errors
    response = client.post("/partnerships/", {"title": "Old", "type": "licence", "parties": "lab;pharma",
                                              "value_eur": "1000", "stage": "lead", "on": "1900-01-01"})
    assert "on" in response.context["form"].errors
    assert not Partnership.objects.exists()


def test_order_quantities_and_quote_prices_are_bounded(lab):
    from guichet.bookings import orders, services
    from guichet.bookings.models import QuoteLine, ServiceOrder

    with pytest.raises(services.BookingError) as caught:
        orders.order_create(actor=lab["member"], service=lab["service"], description="x", quantity="1e30")
    assert caught.value.field == "quantity"
    order = orders.order_create(actor=lab["member"], service=lab["service"], description="x", quantity=2)
    with pytest.raises(services.BookingError) as caught:
        orders.order_transition(actor=lab["manager"], order=order, action="quote", lines=[("Sort", 1, "1e30")])
    assert caught.value.field == "lines" and not QuoteLine.objects.exists()
    assert ServiceOrder.objects.get().status == "requested"
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteLine.objects.create(order=order, label="x", quantity=1, unit_price=Decimal("1000000.01"),
                                 amount=Decimal("1000000.01"))


def test_admin_pages_of_the_bounded_models_render_and_save_through_services(smuggled, client, admin_user):
    lab = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    client.force_login(admin_user)
    for url in ("/admin/startups/startup/", "/admin/startups/headcount/", "/admin/partnerships/partnership/",
                "/admin/partnerships/partnership/add/", "/admin/impact/target/",
                f"/admin/startups/headcount/{smuggled.headcount.pk}/change/"):
        assert client.get(url).status_code == 200, url
    response = client.post(f"/admin/startups/headcount/{smuggled.headcount.pk}/change/",
                           {"organization": smuggled.headcount.organization_id, "on": "2024-01-01",
                            "headcount": "1000000000"})
    assert response.status_code == 200 and "headcount" in response.context["adminform"].form.errors
    response = client.post("/admin/partnerships/partnership/add/", {
        "title": "Staff licence", "type": "licence", "value_eur": "1000", "parties": [lab.pk],
        "created_at_0": "2025-01-01", "created_at_1": "10:00:00", "description": "",
        "stage_changes-TOTAL_FORMS": "0", "stage_changes-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    created = Partnership.objects.get(title="Staff licence")
    assert created.is_confirmed and created.created_by == admin_user
    assert AuditEvent.objects.filter(action="partnership.create", entity_key=str(created.pk)).exists()


def test_targets_are_bounded_and_audited_in_the_admin(client, admin_user):
    from guichet.impact.models import Target

    target = Target.objects.first()  # the defaults from the founding text
    client.force_login(admin_user)
    url = f"/admin/impact/target/{target.pk}/change/"
    data = {"key": target.key, "label": target.label, "value": "1e30", "year": "2030", "source": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "value" in refused.context["adminform"].form.errors
    refused = client.post(url, {**data, "value": "40", "year": "3000"})
    assert "year" in refused.context["adminform"].form.errors
    assert client.post(url, {**data, "value": "45"}).status_code == 302
    assert Target.objects.get(pk=target.pk).value == Decimal("45")
    assert AuditEvent.objects.filter(action="target.update", entity_key=target.key).exists()
