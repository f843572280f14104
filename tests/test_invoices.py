"""Invoices (issue 13, item 7): a closed month's statements become invoices, numbered without a gap per year,
with the VAT of the customer's price list, a PDF in the customer's language, credit notes that refer to the
invoice they cancel, purchase order numbers, and the accounting CSV in the finance office's column mapping."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from guichet.accounts.models import Membership, Role
from guichet.bookings.models import Booking
from guichet.bookings.services import NotAllowed
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility import invoicing, usage
from guichet.facility.invoice_pdf import invoice_pdf
from guichet.facility.models import (
    AccountingCode,
    BillingProfile,
    Invoice,
    InvoiceCounter,
    MonthClosing,
    VatRate,
)
from guichet.platforms.models import Instrument, Platform

from .conftest import logged_in, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 2, 10, 9, 0, tzinfo=PARIS)  # January 2027 is over


def book(instrument, user, org, day, hours=2, status="completed", month=1):
    start = datetime(2027, month, day, 10, 0, tzinfo=PARIS)
    return Booking.objects.create(instrument=instrument, user=user, organization=org, start=start,
                                  end=start + timedelta(hours=hours), blocked_until=start + timedelta(hours=hours),
                                  status=status)


@pytest.fixture
def world(db):
    lab = Organization.objects.create(key="lab", name="Lab Academic", kind="research_lab")
    acme = Organization.objects.create(key="acme", name="Acme Pharma", kind="company")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=lab)
    aria = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=platform, min_notice=0,
                                     cancel_deadline_hours=0, hourly_academic=Decimal("60.00"),
                                     hourly_industry=Decimal("150.00"))
    staff = make_user("staff@u.example", Role.STAFF)
    scientist = make_user("sci@u.example", Role.MEMBER)
    buyer = make_user("buyer@u.example", Role.MEMBER)
    buyer.language = "en"
    buyer.save()
    Membership.objects.create(user=scientist, organization=lab)
    Membership.objects.create(user=buyer, organization=acme, is_contact=True)
    book(aria, scientist, lab, 5)  # 2 h × 60
    book(aria, scientist, lab, 6, hours=1)  # 1 h × 60
    book(aria, buyer, acme, 7)  # 2 h × 150
    book(aria, buyer, acme, 8, status="cancelled")  # no fee: nothing billed
    return {"lab": lab, "acme": acme, "platform": platform, "aria": aria, "staff": staff, "scientist": scientist,
            "buyer": buyer}


def test_closing_a_month_issues_one_invoice_per_customer_with_its_price_list_vat(world):
    VatRate.objects.create(category="academic", percent=Decimal("0.00"))  # the default stays 20 % for industry
    AccountingCode.objects.create(platform=world["platform"], category="industry", code="706100")
    BillingProfile.objects.create(organization=world["acme"], purchase_order="PO-4411", language="en")
    closing = invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    invoices = {i.organization.key: i for i in closing.invoices.prefetch_related("lines")}
    assert set(invoices) == {"lab", "acme"}
    lab, acme = invoices["lab"], invoices["acme"]
    assert (lab.net, lab.vat, lab.gross) == (Decimal("180.00"), Decimal("0.00"), Decimal("180.00"))
    assert (acme.net, acme.vat, acme.gross) == (Decimal("300.00"), Decimal("60.00"), Decimal("360.00"))
    assert acme.purchase_order == "PO-4411" and acme.language == "en" and acme.category == "industry"
    assert [line.accounting_code for line in acme.lines.all()] == ["706100"]
    assert [line.accounting_code for line in lab.lines.all()] == ["", ""]
    # Sorted by customer name, numbered from 1 in the year of issue.
    assert (acme.number, lab.number) == ("2027-00001", "2027-00002")
    assert InvoiceCounter.objects.get(year=2027).last == 2
    assert AuditEvent.objects.filter(action="invoice.issue").count() == 2
    assert AuditEvent.objects.filter(action="month.close", entity_key="2027-01").exists()


def test_a_month_is_closed_once_and_only_when_over(world):
    with pytest.raises(invoicing.InvoiceError) as refused:
        invoicing.month_close(actor=world["staff"], year=2027, month=2, now=NOW)
    assert refused.value.field == "month"
    invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    with pytest.raises(invoicing.InvoiceError) as again:
        invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    assert "déjà clos" in str(again.value)  # French by default
    assert Invoice.objects.count() == 2 and MonthClosing.objects.count() == 1
    with pytest.raises(NotAllowed):
        invoicing.month_close(actor=world["scientist"], year=2026, month=12, now=NOW)


def test_billing_rules_and_fees_reach_the_invoice(world):
    usage.billing_rule_save(actor=make_user("m@u.example", Role.STAFF), instrument=world["aria"], mode="booked",
                            minimum_minutes=180, release_after_minutes=0, late_cancel_hours=0,
                            late_cancel_fee_percent=0, no_show_fee_percent=50)
    book(world["aria"], world["scientist"], world["lab"], 12, hours=1, status="no_show")
    closing = invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    lab = closing.invoices.get(organization=world["lab"])
    kinds = [(line.kind, line.net) for line in lab.lines.all()]
    # Each booking billed at least 3 h (the minimum), the no-show half of its booked hour.
    assert kinds == [("booking", Decimal("180.00")), ("booking", Decimal("180.00")), ("no_show", Decimal("30.00"))]
    assert lab.net == Decimal("390.00")


def test_a_credit_note_cancels_an_invoice_once_and_refers_to_it(world):
    closing = invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    acme = closing.invoices.get(organization=world["acme"])
    with pytest.raises(invoicing.InvoiceError) as no_reason:
        invoicing.credit_note_create(actor=world["staff"], invoice=acme, reason="  ", now=NOW)
    assert no_reason.value.field == "reason"
    credit = invoicing.credit_note_create(actor=world["staff"], invoice=acme, reason="Wrong price list", now=NOW)
    assert credit.kind == "credit" and credit.corrects_id == acme.pk and credit.number == "2027-00003"
    assert (credit.net, credit.vat, credit.gross) == (-acme.net, -acme.vat, -acme.gross)
    acme.refresh_from_db()
    assert acme.gross == Decimal("360.00")  # the invoice itself is never edited
    with pytest.raises(invoicing.InvoiceError):
        invoicing.credit_note_create(actor=world["staff"], invoice=acme, reason="again", now=NOW)
    with pytest.raises(invoicing.InvoiceError):
        invoicing.credit_note_create(actor=world["staff"], invoice=credit, reason="of a credit", now=NOW)
    assert AuditEvent.objects.filter(action="invoice.credit", entity_key=credit.number).exists()


def test_numbers_start_again_each_year_of_issue(world):
    invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    book(world["aria"], world["buyer"], world["acme"], 3, month=12)
    closing = invoicing.month_close(actor=world["staff"], year=2027, month=12,
                                    now=datetime(2028, 1, 5, 9, tzinfo=PARIS))
    assert [i.number for i in closing.invoices.all()] == ["2028-00001"]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_is_written_in_the_customers_language(world):
    BillingProfile.objects.create(organization=world["acme"], purchase_order="PO-4411", language="en")
    closing = invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    english = pdf_text(invoice_pdf(closing.invoices.get(organization=world["acme"])))
    french = pdf_text(invoice_pdf(closing.invoices.get(organization=world["lab"])))  # no profile, no contact: fr
    assert "Invoice 2027-00001" in english and "Purchase order: PO-4411" in english
    assert "Total including VAT" in english and "360.00" in english and "Acme Pharma" in english
    assert "Facture 2027-00002" in french and "Total TTC" in french and "Lab Academic" in french
    assert "216,00" in french  # 180 + 20 % (the default rate)


def test_accounting_csv_follows_the_mapping_one_line_per_invoice_line(client, world):
    AccountingCode.objects.create(platform=world["platform"], category="academic", code="706200")
    invoicing.accounting_settings_save(actor=world["staff"], columns="Piece = invoice_number\nCompte = accounting_code\n"
                                       "HT = net\nLibelle = label", vat={"academic": Decimal("5.50")}, codes={})
    world["scientist"].full_name = "=HYPERLINK(1)"
    world["scientist"].save()
    invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    logged_in(client, world["staff"])
    response = client.get(reverse("facility:accounting_csv") + "?month=2027-02")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Piece", "Compte", "HT", "Libelle"]
    assert [r[:3] for r in rows[1:]] == [["2027-00001", "", "300.00"], ["2027-00002", "706200", "120.00"],
                                         ["2027-00002", "706200", "60.00"]]
    # A label is the instrument and the booker: his formula-like name stays inert text in the spreadsheet.
    assert rows[2][3] == "Sorter (=HYPERLINK(1))" and not any(r[3].startswith("=") for r in rows[1:])
    assert client.get(reverse("facility:accounting_csv") + "?month=2027-03").content.decode().count("\n") == 1


def test_accounting_csv_with_the_default_mapping_has_translated_titles_over_machine_names(client, world):
    invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    logged_in(client, world["staff"])
    url = reverse("facility:accounting_csv") + "?month=2027-02"
    french = list(csv.reader(io.StringIO(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())))
    english = list(csv.reader(io.StringIO(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())))
    assert french[0][:2] == ["Numéro de facture", "Date de facture"] and english[0][0] == "Invoice number"
    assert french[1] == english[1] and french[1][:3] == ["invoice_number", "invoice_date", "kind"]
    assert french[2][0] == "2027-00001" and french[2][2] == "Facture"


def test_months_read_as_words_in_the_invoice_pages(client, world):
    closing = invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    logged_in(client, world["staff"])
    french = client.get(reverse("facility:invoices"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(reverse("facility:invoices"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    invoice = client.get(reverse("facility:invoice", args=[closing.invoices.first().pk]),
                         HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<td>janvier 2027</td>" in french and "<td>January 2027</td>" in english
    assert "<dd>janvier 2027</dd>" in invoice and "2027-01<" not in french + invoice


def test_bad_settings_are_refused_naming_the_field(client, world):
    logged_in(client, world["staff"])
    url = reverse("facility:invoicing_settings")
    page = client.get(url)
    assert page.status_code == 200 and "invoice_number" in page.content.decode()
    data = {"columns": "Piece = nowhere", "vat_academic": "0", "vat_startup": "20", "vat_industry": "120"}
    response = client.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "n’est pas un champ de l’export" in text and "100" in text
    assert not VatRate.objects.exists()
    data.update(columns="@cmd = net", vat_industry="20")
    assert "un en-tête est un texte simple" in client.post(url, data).content.decode()
    data.update(columns="N = invoice_number")
    assert client.post(url, data).status_code == 302
    assert VatRate.objects.get(category="industry").percent == Decimal("20")
    assert AuditEvent.objects.filter(action="accounting.settings").count() == 1


def test_pages_show_each_reader_their_invoices(client, world):
    invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    acme = Invoice.objects.get(organization=world["acme"])
    lab = Invoice.objects.get(organization=world["lab"])
    logged_in(client, world["buyer"])
    listing = client.get(reverse("facility:invoices")).content.decode()
    assert acme.number in listing and lab.number not in listing and "Clore le mois" not in listing
    assert client.get(reverse("facility:invoice", args=[lab.pk])).status_code == 404
    # The amounts are read at the top of the page: on a phone the lines' table scrolls inside its box (trial).
    page = client.get(reverse("facility:invoice", args=[acme.pk])).content.decode()
    total = page.index('id="invoice-total"')
    assert total < page.index('id="invoice-lines"')
    assert f"{acme.gross:.2f}".replace(".", ",") in page[total:total + 80].replace("\u202f", "").replace("\xa0", "")
    pdf = client.get(reverse("facility:invoice_pdf", args=[acme.pk]))
    assert pdf["Content-Type"] == "application/pdf" and "Acme Pharma" in pdf_text(pdf.content)
    assert client.post(reverse("facility:month_close"), {"month": "2026-12"}).status_code == 403
    assert client.post(reverse("facility:credit_note", args=[acme.pk]), {"reason": "x"}).status_code == 403
    manager = make_user("manager@u.example", Role.PLATFORM_MANAGER)
    world["platform"].managers.add(manager)
    logged_in(client, manager)
    listing = client.get(reverse("facility:invoices")).content.decode()
    assert acme.number in listing and lab.number in listing  # both bill the platform
    logged_in(client, world["staff"])
    refused = client.post(reverse("facility:month_close"), {"month": "2027-13"})
    assert refused.status_code == 400 and "AAAA-MM" in refused.content.decode()
    assert client.post(reverse("facility:month_close"), {"month": "2026-11"}).status_code == 302
    again = client.post(reverse("facility:month_close"), {"month": "2026-11"})
    assert again.status_code == 400 and "Ce mois est déjà clos" in again.content.decode()
    assert MonthClosing.objects.filter(year=2026, month=11).count() == 1
    bad = client.post(reverse("facility:credit_note", args=[acme.pk]), {"reason": ""})
    assert bad.status_code == 400 and Invoice.objects.count() == 2


def test_a_second_credit_note_from_the_page_is_refused_above_the_form_and_written_nowhere(client, world):
    closing = invoicing.month_close(actor=world["staff"], year=2027, month=1, now=NOW)
    acme = closing.invoices.get(organization=world["acme"])
    logged_in(client, world["staff"])
    first = client.post(reverse("facility:credit_note", args=[acme.pk]), {"reason": "Wrong price list"},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 302 and Invoice.objects.filter(corrects=acme).count() == 1
    again = client.post(reverse("facility:credit_note", args=[acme.pk]), {"reason": "Again"},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert again.context["form"].errors == {"__all__": ["This invoice already has a credit note."]}
    errors = again.content.decode().split('id="credit-note-errors"')[1].split("</div>")[0]
    assert "This invoice already has a credit note." in errors  # said, though the form is gone from the page
    assert Invoice.objects.filter(corrects=acme).count() == 1
    assert AuditEvent.objects.filter(action="invoice.credit").count() == 1
