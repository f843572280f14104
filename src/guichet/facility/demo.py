"""Demo invoicing: the price lists' VAT, the cytometry platform's accounting codes, the start-up's purchase
order (invoices in English), and last month closed, so its invoices, PDFs and accounting CSV can be seen."""

from decimal import Decimal

from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.services import record_save
from guichet.directory.models import Organization
from guichet.platforms.models import Platform

from . import invoicing
from .models import BillingProfile, MonthClosing


def load_demo_invoicing() -> int:
    """The number of demo invoices issued (0 when the demo was loaded before)."""
    if MonthClosing.objects.exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    cyto = Platform.objects.filter(key="exemple.cyto").first()
    codes = {(cyto, "academic"): "706110", (cyto, "startup"): "706120", (cyto, "industry"): "706130"} if cyto else {}
    invoicing.accounting_settings_save(actor=staff, columns=invoicing.DEFAULT_COLUMNS, codes=codes, vat={
        "academic": Decimal("20.00"), "startup": Decimal("20.00"), "industry": Decimal("20.00")})
    startup = Organization.objects.filter(key="startup-exemple").first()
    if startup is not None:
        record_save(actor=staff, record=BillingProfile(organization=startup, language="en",
                                                       purchase_order="PO-2026-0042 (fictional)",
                                                       address="Luminy, 13009 Marseille"), is_new=True)
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return invoicing.month_close(actor=staff, year=year, month=month).invoices.count()


def load_demo_incidents() -> int:
    """An open incident on the lab's cell counter, declared by its platform manager: the bookings it hits are
    cancelled and their bookers offered the nearest free slots (the incident pages, the offers, the usage report)."""
    from datetime import timedelta

    from guichet.platforms.models import Instrument

    from .incidents import incident_declare
    from .models import Incident

    counter = Instrument.objects.filter(key="exemple.cyto.counter").first()
    if counter is None or Incident.objects.exists():
        return 0
    manager = User.objects.get(email="manager@demo.guichet.example")
    now = timezone.now()
    incident_declare(actor=manager, instrument=counter, now=now, expected_back_at=now + timedelta(days=2),
                     description="Le laser du compteur est en panne\u00a0; technicien attendu sous 48 h (exemple fictif).")
    return 1
