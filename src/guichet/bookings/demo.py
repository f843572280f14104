"""Demo bookings, trainings, a maintenance period and service orders on the fictional cytometry platform."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.workdays import PARIS
from guichet.platforms.models import Instrument, Platform, Service

from . import orders, services
from .models import Booking, OrderStatusChange, ServiceOrder, TrainingAuthorization


def load_demo_bookings() -> int:
    if Booking.objects.exists():
        return 0
    manager = User.objects.get(email="manager@demo.guichet.example")
    member = User.objects.get(email="member@demo.guichet.example")
    founder = User.objects.get(email="founder@demo.guichet.example")
    platform = Platform.objects.get(key="exemple.cyto")
    platform.managers.add(manager)
    rates = {"exemple.cyto.aria": ("45", "70", "140", True), "exemple.cyto.spectral": ("30", "50", "95", False),
             "exemple.cyto.counter": ("5", "8", "15", False)}
    for key, (academic, startup, industry, approval) in rates.items():
        Instrument.objects.filter(key=key).update(
            hourly_academic=Decimal(academic), hourly_startup=Decimal(startup), hourly_industry=Decimal(industry),
            approval_required=approval, buffer_minutes=15 if approval else 0)
    aria = Instrument.objects.get(key="exemple.cyto.aria")
    spectral = Instrument.objects.get(key="exemple.cyto.spectral")
    counter = Instrument.objects.get(key="exemple.cyto.counter")
    now = timezone.now()
    for user in (member, founder):
        services.training_grant(actor=manager, user=user, instrument=spectral, expires_at=now + timedelta(days=365))
    services.training_grant(actor=manager, user=member, instrument=aria, expires_at=now + timedelta(days=180))
    today = timezone.localdate()
    created = 0
    # Five past weeks and two coming ones: bookings are written as if made a month ahead.
    for week in range(-5, 2):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=week)
        for offset, (instrument, user, hour, hours) in enumerate([
                (spectral, member, 9, 2), (spectral, founder, 14, 3), (aria, member, 10, 2), (counter, founder, 11, 1)]):
            day = monday + timedelta(days=offset % 5)
            start = datetime.combine(day, time(hour, 0), PARIS)
            booking = services.booking_create(actor=user, instrument=instrument, start=start,
                                              end=start + timedelta(hours=hours), cost_centre="DEMO-01",
                                              now=start - timedelta(days=30))
            if booking.status == Booking.Status.REQUESTED and (week < 0 or offset % 2 == 0):
                services.booking_decide(actor=manager, booking=booking, approve=True)
            if booking.end < now and booking.status == Booking.Status.CONFIRMED:
                services.booking_close(actor=manager, booking=booking)
            created += 1
    next_monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    services.blackout_create(actor=manager, instrument=aria, start=datetime.combine(next_monday, time(8), PARIS)
                             + timedelta(days=3), end=datetime.combine(next_monday, time(20), PARIS)
                             + timedelta(days=3), reason="Maintenance annuelle (exemple fictif)")
    sort = Service.objects.get(key="exemple.cyto.sort")
    panel = Service.objects.get(key="exemple.cyto.panel")
    delivered = orders.order_create(actor=member, service=sort, quantity=3, cost_centre="DEMO-01",
                                      description="Tri de lymphocytes T CD8 de 6 échantillons (exemple fictif).")
    for action in ("quote", "accept", "start", "deliver"):
        actor = member if action == "accept" else manager
        orders.order_transition(actor=actor, order=delivered, action=action)
    quoted = orders.order_create(actor=founder, service=panel, quantity=1,
                                   description="Panel 25 couleurs pour nanocorps (fictional example).")
    orders.order_transition(actor=manager, order=quoted, action="quote")
    requested = orders.order_create(actor=member, service=sort, quantity=2,
                                      description="Tri de Treg (exemple fictif).")
    # The services write at the load time; the demo's histories are spread over the weeks they describe:
    # trainings before the first bookings, each order's steps a few days apart, the latest ones recent.
    TrainingAuthorization.objects.filter(instrument__platform=platform).update(granted_at=now - timedelta(days=90))
    for order, created_days_ago, step_days in ((delivered, 40, (2, 4, 6, 37)), (quoted, 12, (3,)),
                                                (requested, 2, ())):
        opened = now - timedelta(days=created_days_ago)
        ServiceOrder.objects.filter(pk=order.pk).update(created_at=opened)
        changes = list(OrderStatusChange.objects.filter(order=order).order_by("at", "id"))
        offsets = (0, *step_days)
        for change, offset in zip(changes, offsets, strict=False):
            OrderStatusChange.objects.filter(pk=change.pk).update(at=opened + timedelta(days=offset))
        if order is delivered:
            ServiceOrder.objects.filter(pk=order.pk).update(delivered_at=opened + timedelta(days=step_days[-1]))
    return created
