"""Sample forms, consumables and a hosted company in Chromium (issue 13, items 5, 6 and 8): the manager writes a
service's sample form and the member's order carries the answers; the manager adds consumables to a member's
booking and the member's statement bills them; a building's manager lets an office, staff close the month,
and the hosted company's founder finds the office and its rent on the company's invoice (and its PDF)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from guichet.accounts.models import Membership, Role
from guichet.bookings.models import Booking, ServiceOrder
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility import invoicing
from guichet.facility.models import Consumable, ConsumableUse, Invoice, SampleAnswer
from guichet.platforms.models import Instrument, Platform, Service

from ..conftest import make_user
from ..hosting_fixtures import make_building
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def cytometry():
    lab = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    newco = Organization.objects.create(key="newco", name="NewCo", kind="startup")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=lab)
    manager = make_user("manager@e2e.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    member = make_user("member@e2e.example", Role.MEMBER)
    Membership.objects.create(user=member, organization=newco)
    return {"platform": platform, "manager": manager, "member": member, "newco": newco}


def test_a_services_sample_form_is_answered_with_the_order(browser, live_server, transactional_db):
    world = cytometry()
    Service.objects.create(key="cyto.sort", name="Cell sorting", platform=world["platform"], unit="hour",
                           price_startup=Decimal("70.00"))

    manager = login(browser, live_server, "manager@e2e.example")
    manager.goto(f"{live_server.url}/platforms/cyto/")
    manager.click("a:text('Formulaire d’échantillons')")
    manager.fill("#sample-field-form input[name=label]", "Nombre d'échantillons")
    manager.select_option("#sample-field-form select[name=kind]", "integer")
    manager.check("#sample-field-form input[name=required]")
    manager.fill("#sample-field-form input[name=min_value]", "1")
    manager.fill("#sample-field-form input[name=max_value]", "96")
    manager.click("#sample-field-form button[type=submit]")
    manager.wait_for_selector(".messages li.success")
    manager.fill("#sample-field-form input[name=label]", "Espèce")
    manager.select_option("#sample-field-form select[name=kind]", "choice")
    manager.fill("#sample-field-form textarea[name=choices]", "Humain\nSouris")
    manager.click("#sample-field-form button[type=submit]")
    manager.wait_for_selector(".messages li.success")
    assert [r.inner_text().split("\t")[0] for r in manager.locator("#sample-fields tbody tr").all()] == [
        "Nombre d'échantillons", "Espèce"]

    member = login(browser, live_server, "member@e2e.example")
    member.goto(f"{live_server.url}/platforms/cyto/")
    member.click("a[href='/bookings/orders/new/cyto.sort/']")
    member.fill("textarea[name=description]", "Tri de lymphocytes T")
    member.fill("input[name=quantity]", "2")
    member.get_by_label("Nombre d'échantillons").fill("12")
    member.get_by_label("Espèce").select_option("Souris")
    member.click("main button.primary")
    member.wait_for_selector("#order-samples")
    answers = member.locator("#order-samples dl").inner_text()
    assert "Nombre d'échantillons" in answers and "12" in answers and "Souris" in answers
    order = ServiceOrder.objects.get()
    assert sorted(SampleAnswer.objects.filter(order=order).values_list("label", "value")) == [
        ("Espèce", "Souris"), ("Nombre d'échantillons", "12")]

    manager.goto(f"{live_server.url}/bookings/orders/{order.pk}/")
    manager.click("#samples-receive")
    manager.wait_for_selector("#samples-received")
    assert "Échantillons reçus le" in manager.locator("#samples-received").inner_text()


def test_consumables_used_on_a_booking_are_on_the_members_statement(browser, live_server, transactional_db):
    world = cytometry()
    sorter = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=world["platform"],
                                       hourly_startup=Decimal("70.00"))
    start = timezone.localtime(timezone.now(), PARIS).replace(minute=0, second=0, microsecond=0)
    booking = Booking.objects.create(instrument=sorter, user=world["member"], organization=world["newco"],
                                     start=start, end=start + timedelta(hours=1),
                                     blocked_until=start + timedelta(hours=1), status="confirmed")

    manager = login(browser, live_server, "manager@e2e.example")
    manager.goto(f"{live_server.url}/platforms/cyto/")
    manager.click("a[href='/facility/platforms/cyto/consumables/']")
    manager.fill("#consumable-form input[name=name]", "Tubes FACS")
    manager.fill("#consumable-form input[name=unit]", "boîte")
    manager.fill("#consumable-form input[name=price_startup]", "12.50")
    manager.fill("#consumable-form input[name=stock]", "10")
    manager.click("#consumable-form button[type=submit]")
    manager.wait_for_selector(".messages li.success")
    assert "Tubes FACS" in manager.locator("#consumable-list").inner_text()
    manager.goto(f"{live_server.url}/facility/instruments/cyto.aria/usage/")
    manager.click(f"#usage-{booking.pk} a:text('Consommables')")
    manager.select_option("#consumable-add select[name=consumable]", label="Tubes FACS (10 boîte)")
    manager.fill("#consumable-add input[name=quantity]", "3")
    manager.click("#consumable-add button")
    manager.wait_for_selector(".messages li.success")
    assert "3 × Tubes FACS" in manager.locator(".messages").inner_text()
    assert "37,50" in manager.locator("#consumable-uses").inner_text()
    assert Consumable.objects.get().stock == 7

    member = login(browser, live_server, "member@e2e.example")
    member.goto(f"{live_server.url}/bookings/statements/?month={start:%Y-%m}")
    lines = member.locator("#statement tbody").inner_text()
    assert "Tubes FACS (Sorter" in lines and "37,50" in lines
    # what the month's invoice will carry when staff close it (the same reading as the statement's)
    drafts = invoicing.month_drafts(start.year, start.month)[world["newco"]]
    assert [(d.kind, d.net) for d in drafts if d.kind == "consumable"] == [("consumable", Decimal("37.50"))]
    assert ConsumableUse.objects.get().booking_id == booking.pk


def test_a_hosted_company_finds_its_office_and_its_rent_invoiced(browser, live_server, transactional_db):
    site = make_building()
    founder = make_user("founder@e2e.example", Role.MEMBER)
    Membership.objects.create(user=founder, organization=site["company"])
    make_user("staff@e2e.example", Role.STAFF)
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)

    manager = login(browser, live_server, site["manager"].email)
    manager.goto(f"{live_server.url}/hosting/buildings/luminy-b/")
    manager.select_option("#contract-form select[name=space]", label="Office B101")
    manager.fill("#contract-form input[name=company]", "vhh-bio")
    manager.fill("#contract-form input[name=start]", date(year, month, 1).isoformat())
    manager.fill("#contract-form input[name=end]", date(year + 1, month, 1).isoformat())
    manager.fill("#contract-form input[name=surface_m2]", "20")
    manager.fill("#contract-form input[name=monthly_price]", "600")
    manager.click("#contract-form button[type=submit]")
    manager.wait_for_selector(".messages li.success")
    assert "VHH Bio" in manager.locator("#contracts").inner_text()

    staff = login(browser, live_server, "staff@e2e.example")
    staff.goto(f"{live_server.url}/facility/invoices/")
    staff.fill("#close-form input[name=month]", f"{year}-{month:02d}")
    staff.click("#close-form button")
    staff.wait_for_selector(".messages li.success")
    invoice = Invoice.objects.get(organization=site["company"])
    assert invoice.gross == Decimal("720.00")

    page = login(browser, live_server, "founder@e2e.example")
    page.goto(f"{live_server.url}/facility/invoices/")
    page.click("#our-spaces")
    contracts = page.locator("#our-contracts").inner_text()
    assert "Office B101" in contracts and "Building luminy-b" in contracts and "600,00" in contracts
    page.click("#ours-invoices")
    page.click(f"#invoice-list a:text('{invoice.number}')")
    assert "Loyer — Office B101, Building luminy-b (20 m²)" in page.locator("#invoice-lines").inner_text()
    with page.expect_download() as pdf:
        page.click("#invoice-pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
    assert invoice.number in text and "Loyer" in text and "Office B101" in text
