"""Invoices in Chromium (issue 13, item 7): staff close last month from the invoices page, open the new
invoice, download its PDF (read back with pypdf) and the accounting CSV of the month of issue."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from guichet.accounts.models import Membership, Role
from guichet.bookings.models import Booking
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility.models import BillingProfile, Invoice
from guichet.platforms.models import Instrument, Platform

from ..conftest import make_user
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_close_a_month_and_download_an_invoice_and_the_csv(browser, live_server, transactional_db):
    acme = Organization.objects.create(key="acme", name="Acme Pharma", kind="company")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=acme)
    aria = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=platform,
                                     hourly_industry=Decimal("150.00"))
    buyer = make_user("buyer@e2e.example", Role.MEMBER)
    Membership.objects.create(user=buyer, organization=acme)
    BillingProfile.objects.create(organization=acme, language="en", purchase_order="PO-77")
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    start = datetime(year, month, 10, 10, tzinfo=PARIS)
    Booking.objects.create(instrument=aria, user=buyer, organization=acme, start=start, end=start + timedelta(hours=2),
                           blocked_until=start + timedelta(hours=2), status="completed")
    make_user("staff@e2e.example", Role.STAFF)

    page = login(browser, live_server, "staff@e2e.example")
    page.goto(f"{live_server.url}/facility/invoices/")
    page.fill("#close-form input[name=month]", f"{year}-{month:02d}")
    page.click("#close-form button")
    page.wait_for_selector(".messages li.success")
    assert "1 facture émise" in page.locator(".messages").inner_text()
    invoice = Invoice.objects.get()
    assert invoice.number == f"{today.year}-00001" and invoice.gross == Decimal("360.00")
    page.click(f"#invoice-list a:text('{invoice.number}')")
    assert "PO-77" in page.locator("#invoice-po").inner_text()
    with page.expect_download() as pdf:
        page.click("#invoice-pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
    assert f"Invoice {invoice.number}" in text and "Purchase order: PO-77" in text and "360.00" in text
    page.goto(f"{live_server.url}/facility/invoices/")
    page.fill("#export-form input[name=month]", f"{today.year}-{today.month:02d}")
    with page.expect_download() as exported:
        page.click("#export-form button")
    lines = io.StringIO(open(exported.value.path(), encoding="utf-8").read())
    assert next(csv.reader(lines))[0] == "Numéro de facture"   # row 1: titles in the reader's language (French)
    rows = list(csv.DictReader(lines))                        # row 2: the machine names, then the data
    assert [(r["invoice_number"], r["net"], r["vat"], r["purchase_order"]) for r in rows] == [
        (invoice.number, "300.00", "60.00", "PO-77")]
