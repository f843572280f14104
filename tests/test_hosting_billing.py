"""A hosted company's rent (issue 13, items 7 and 8): each contract holding a space in a closed month is a line
of its company's invoice at the contract's monthly price (a part of a month at its share of the days), with the
building's platform's accounting code and the VAT of the company's price list; a cancelled contract is never
billed. The company's members see their spaces on their own page, and no one else's."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from guichet.accounts.models import Membership, Role
from guichet.core.workdays import PARIS
from guichet.facility import invoicing
from guichet.facility.models import Invoice, InvoiceLine
from guichet.hosting import services

from .conftest import logged_in, make_user
from .hosting_fixtures import make_building

pytestmark = pytest.mark.django_db
CLOSED_ON = datetime(2027, 4, 2, 9, 0, tzinfo=PARIS)  # March 2027 is over


@pytest.fixture
def site(db):
    return make_building()


@pytest.fixture
def staff(db):
    return make_user("staff@bill.example", Role.STAFF)


def let(site, space="office", start=date(2027, 1, 1), end=date(2027, 12, 31), company="company", m2="20.00",
        price="600.00"):
    return services.contract_create(actor=site["manager"], space=site[space], company=site[company], start=start,
                                    end=end, surface_m2=m2, monthly_price=price)


def close_march(staff):
    return invoicing.month_close(actor=staff, year=2027, month=3, now=CLOSED_ON)


def test_a_contract_holding_the_whole_month_is_invoiced_its_monthly_price(site, staff):
    let(site)
    invoicing.accounting_settings_save(actor=staff, columns=invoicing.DEFAULT_COLUMNS,
                                       vat={"startup": Decimal("20.00")},
                                       codes={(site["building"].platform, "startup"): "706300"})
    close_march(staff)
    invoice = Invoice.objects.get(organization=site["company"])
    [line] = invoice.lines.all()
    assert (line.kind, line.quantity, line.unit, line.unit_price, line.net, line.vat, line.accounting_code) == (
        "rent", Decimal("1.00"), "month", Decimal("600.00"), Decimal("600.00"), Decimal("120.00"), "706300")
    assert line.label == "Office B101, Building luminy-b (20 m²)"
    assert line.date == datetime(2027, 3, 1, tzinfo=PARIS)
    assert (invoice.net, invoice.gross, invoice.period) == (Decimal("600.00"), Decimal("720.00"), "2027-03")


def test_a_part_of_the_month_is_billed_its_share_of_the_days(site, staff):
    let(site, start=date(2027, 3, 22), end=date(2027, 6, 30), price="620.00")   # 10 days of March's 31
    let(site, space="bench", company="other", start=date(2026, 1, 1), end=date(2027, 3, 15), m2="10.00",
        price="310.00")                                                            # 15 days of 31
    close_march(staff)
    office = InvoiceLine.objects.get(invoice__organization=site["company"])
    bench = InvoiceLine.objects.get(invoice__organization=site["other"])
    assert (office.quantity, office.net, office.date.astimezone(PARIS).date()) == (Decimal("0.32"), Decimal("198.40"), date(2027, 3, 22))
    assert (bench.quantity, bench.net, bench.date.astimezone(PARIS).date()) == (Decimal("0.48"), Decimal("148.80"), date(2027, 3, 1))


def test_a_cancelled_contract_or_one_outside_the_month_is_not_billed(site, staff):
    services.contract_cancel(actor=site["manager"], contract=let(site))
    let(site, space="bench", start=date(2027, 4, 1), end=date(2027, 12, 31), m2="10.00")
    closing = close_march(staff)
    assert closing.invoices.count() == 0 and not InvoiceLine.objects.exists()


def test_rent_is_said_in_the_readers_language_and_reaches_the_accounting_csv(client, site, staff):
    let(site)
    close_march(staff)
    line = InvoiceLine.objects.get()
    with translation.override("fr"):
        assert line.full_label == "Loyer — Office B101, Building luminy-b (20 m²)"
    with translation.override("en"):
        assert line.full_label == "Rent — Office B101, Building luminy-b (20 m²)"
    logged_in(client, staff)
    response = client.get(reverse("facility:accounting_csv"), {"month": "2027-04"}, HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8").split("\n", 1)[1])))
    assert [(r["label"], r["net"], r["customer"]) for r in rows] == [
        ("Rent — Office B101, Building luminy-b (20 m²)", "600.00", "VHH Bio")]


def test_a_credit_note_cancels_the_rent_too(site, staff):
    let(site)
    close_march(staff)
    credit = invoicing.credit_note_create(actor=staff, invoice=Invoice.objects.get(), reason="Wrong surface",
                                          now=CLOSED_ON)
    assert [(x.kind, x.net) for x in credit.lines.all()] == [("rent", Decimal("-600.00"))]


def test_the_companys_members_see_their_spaces_and_no_one_elses(client, site):
    let(site)
    let(site, space="bench", company="other", m2="10.00", price="300.00")
    founder = make_user("founder@vhh.example", Role.MEMBER)
    Membership.objects.create(user=founder, organization=site["company"])
    page = logged_in(client, founder).get(reverse("hosting:ours"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200 and "Office B101" in text and "600.00" in text and "Bench L201" not in text
    assert reverse("facility:invoices") in text
    outsider = make_user("else@u.example", Role.MEMBER)
    text = logged_in(client, outsider).get(reverse("hosting:ours"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Office B101" not in text and "Aucun espace" in text


def test_the_invoices_page_leads_a_hosted_company_to_its_spaces(client, site):
    let(site)
    founder = make_user("founder@vhh.example", Role.MEMBER)
    Membership.objects.create(user=founder, organization=site["company"])
    assert reverse("hosting:ours") in logged_in(client, founder).get(reverse("facility:invoices")).content.decode()
    other = make_user("else@u.example", Role.MEMBER)
    assert reverse("hosting:ours") not in logged_in(client, other).get(reverse("facility:invoices")).content.decode()
