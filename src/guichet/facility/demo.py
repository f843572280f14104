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
    _last_month_consumable(year, month)  # --- a consumable on a closed month's invoice (issue 13) ---
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


def load_demo_samples_and_consumables() -> tuple[int, int]:
    """The sorting service's sample form (count, species, buffer, hazard class) and an order answering it, its
    samples received; the cytometry platform's consumables, some used on a member's booking and on an order
    (they are on this month's statements). Returns (questions, consumable uses); (0, 0) when loaded before."""
    from guichet.bookings import orders
    from guichet.bookings.models import Booking
    from guichet.platforms.models import Service

    from . import consumables, samples
    from .models import Consumable, SampleField

    sort = Service.objects.filter(key="exemple.cyto.sort").select_related("platform").first()
    if sort is None or SampleField.objects.filter(service=sort).exists():
        return 0, 0
    manager = User.objects.get(email="manager@demo.guichet.example")
    member = User.objects.get(email="member@demo.guichet.example")
    blank = {"required": False, "choices": "", "min_value": None, "max_value": None, "help_text": ""}
    questions = [
        {"label": "Nombre d'échantillons", "kind": "integer", "required": True, "min_value": 1, "max_value": 96},
        {"label": "Espèce", "kind": "choice", "choices": "Humain\nSouris\nRat", "required": True},
        {"label": "Tampon", "kind": "text", "help_text": "Par exemple PBS + 2 % SVF, sans azide."},
        {"label": "Classe de risque", "kind": "choice", "choices": "L1\nL2", "required": True},
    ]
    fields = [samples.sample_field_save(actor=manager, service=sort, **{**blank, **q}) for q in questions]
    answers = dict(zip((samples.input_name(f) for f in fields), ("8", "Souris", "PBS + 2 % SVF", "L2"), strict=True))
    order = orders.order_create(actor=member, service=sort, quantity=2, cost_centre="DEMO-01", samples=answers,
                                description="Tri de cellules NK de rate de souris, 8 échantillons (exemple fictif).")
    # Ordered three days ago, its samples arrived the day after (the demo's histories are spread over their dates).
    from datetime import timedelta

    from guichet.bookings.models import OrderStatusChange, ServiceOrder

    opened = timezone.now() - timedelta(days=3)
    ServiceOrder.objects.filter(pk=order.pk).update(created_at=opened)
    OrderStatusChange.objects.filter(order=order).update(at=opened)
    samples.samples_receive(actor=manager, order=order, now=opened + timedelta(days=1))
    platform = sort.platform
    tubes = _demo_consumables(manager, platform)
    uses = 0
    booking = (Booking.objects.filter(user=member, kind=Booking.Kind.BOOKING, status__in=Booking.LIVE,
                                      instrument__platform=platform, organization__isnull=False)
               .select_related("instrument__platform", "organization").order_by("start").first())
    if booking is not None:
        consumables.consumable_take(actor=member, consumable=tubes, quantity=2, booking=booking)
        uses += 1
    consumables.consumable_take(actor=manager, consumable=Consumable.objects.get(pk=tubes.pk), quantity=1,
                                order=order)
    return len(fields), uses + 1


# --- a consumable on a closed month's invoice (issue 13) ---
TUBES = "Tubes FACS 5 mL (sachet de 25)"


def _demo_consumables(manager, platform):
    """The cytometry platform's two consumables (made once); returns the tubes, which members may add."""
    from . import consumables
    from .models import Consumable

    if not Consumable.objects.filter(platform=platform, name=TUBES).exists():
        consumables.consumable_save(
            actor=manager, platform=platform, name=TUBES, unit="sachet", stock=40, alert_below=10,
            members_may_add=True, active=True, price_academic="6.00", price_startup="8.00", price_industry="12.00")
        consumables.consumable_save(
            actor=manager, platform=platform, name="Billes de calibration", unit="flacon", stock=4, alert_below=2,
            members_may_add=False, active=True, price_academic="45.00", price_startup="60.00",
            price_industry="90.00")
    return Consumable.objects.select_related("platform").get(platform=platform, name=TUBES)


def _last_month_consumable(year: int, month: int) -> None:
    """Before the month closes: tubes used on the member's last booking of that month on the cytometry platform,
    taken during the booking, so the month's invoice carries a consumable line beside the booked hours."""
    from guichet.bookings.models import Booking
    from guichet.bookings.selectors import month_bounds

    from . import consumables

    cyto = Platform.objects.filter(key="exemple.cyto").first()
    if cyto is None:
        return
    start, end = month_bounds(year, month)
    booking = (Booking.objects.filter(user__email="member@demo.guichet.example", kind=Booking.Kind.BOOKING,
                                      instrument__platform=cyto, organization__isnull=False,
                                      start__gte=start, start__lt=end)
               .exclude(status=Booking.Status.CANCELLED)
               .select_related("instrument__platform", "organization").order_by("-start").first())
    if booking is None:
        return
    manager = User.objects.get(email="manager@demo.guichet.example")
    consumables.consumable_take(actor=manager, consumable=_demo_consumables(manager, cyto), quantity=3,
                                booking=booking, now=booking.start)
