"""Hosting spaces: spaces created with their bookable resource, contracts let, ended early or cancelled.
Each write is one transaction, audited. A contract takes its space through bookings.services.resource_let,
so the engine's no-overlap rule is the contracts' rule too (no second engine, no second constraint)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.bookings import services as bookings
from guichet.core import bounds
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.services import record_save
from guichet.core.workdays import PARIS
from guichet.directory.services import directory_record_save
from guichet.platforms.models import Instrument

from . import permissions
from .models import Building, Contract, Space


class HostingError(Refused):
    """A refused hosting action, naming the field at fault."""


class NotAllowed(HostingError):
    pass


def _midnight(day: date) -> datetime:
    """The start of a day in Paris: a contract holds its space from its first day's midnight to the midnight
    after its last day."""
    return datetime.combine(day, time(0), PARIS)


def _figure(value, *, field: str, label: str, maximum: Decimal, positive: bool) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise HostingError(_("%(label)s: give a number.") % {"label": label}, field) from None
    if (number <= 0 if positive else number < 0) or number > maximum:
        raise HostingError(_("%(label)s: give a number between %(low)s and %(high)s.") % {
            "label": label, "low": "0.01" if positive else "0", "high": maximum}, field)
    return number


def _day(value: date, *, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise HostingError(_("%(label)s: give a date.") % {"label": label}, field)
    if message := bounds.date_error(value, planned=True):
        raise HostingError(f"{label}: {message}", field)
    return value


def space_create(*, actor, building: Building, key: str, name: str, kind: str, surface_m2, seats=None,
                 hourly_academic=0, hourly_startup=0, hourly_industry=0) -> Space:
    """A space and its bookable resource on the building's platform: rooms are booked online by the hour,
    offices and benches are not (they are let by contract)."""
    if not permissions.can_manage_building(actor, building):
        raise NotAllowed(_("Only the building's managers add spaces."))
    if kind not in Space.Kind.values:
        raise HostingError(_("Kind: choose one of the list."), "kind")
    surface = _figure(surface_m2, field="surface_m2", label=_("Surface (m²)"), maximum=bounds.MAX_SURFACE_M2,
                      positive=True)
    key = f"{building.key}.{key}"
    if Instrument.objects.filter(key=key).exists():
        raise HostingError(_("Key: another resource has it already."), "key")
    with transaction.atomic(durable=True):
        # A directory record like any instrument: audited and indexed, so search finds the room.
        resource = Instrument(key=key, name=name, platform=building.platform, bookable=kind not in Space.BY_CONTRACT,
                              hourly_academic=hourly_academic, hourly_startup=hourly_startup,
                              hourly_industry=hourly_industry)
        try:
            directory_record_save(actor=actor, record=resource, is_new=True)
        except ValidationError as exc:
            field = next(iter(exc.message_dict), "key") if hasattr(exc, "message_dict") else "key"
            raise HostingError(" ".join(exc.messages), "name" if field == "name" else "key") from None
        space = Space.objects.create(building=building, resource=resource, kind=kind, surface_m2=surface,
                                     seats=seats)
        audit_record(actor=actor, action="space.create", entity_type="space", entity_key=str(space.pk),
                     entity_label=str(space), changes={"kind": [None, kind], "surface_m2": [None, str(surface)],
                                                       "resource": [None, key]})
    return space


def space_admin_save(*, actor, record: Space, is_new: bool) -> None:
    """The admin's door: a new space gets its resource as space_create makes it; a change is audited."""
    if is_new:
        raise HostingError(_("Add spaces from the building's page, which creates their bookable resource."),
                           "resource")
    record_save(actor=actor, record=record, is_new=False)


def contract_create(*, actor, space: Space, company, start: date, end: date, surface_m2, monthly_price,
                    now: datetime | None = None) -> Contract:
    """Let an office or a bench to a company. Refused when the space is let (or booked) for any of the days."""
    if not permissions.can_manage_building(actor, space.building):
        raise NotAllowed(_("Only the building's managers let its spaces."))
    if not space.by_contract:
        raise HostingError(_("Space: meeting and equipment rooms are booked by the hour, not let."), "space")
    if company is None:
        raise HostingError(_("Company: choose one in the directory."), "company")
    start = _day(start, field="start", label=_("Start"))
    end = _day(end, field="end", label=_("End"))
    if end < start:
        raise HostingError(_("End: on or after the start."), "end")
    surface = _figure(surface_m2, field="surface_m2", label=_("Surface (m²)"), maximum=space.surface_m2,
                      positive=True)
    price = _figure(monthly_price, field="monthly_price", label=_("Monthly price (EUR)"),
                    maximum=bounds.MAX_MONTHLY_RENT_EUR, positive=False)
    with transaction.atomic(durable=True):
        try:
            hold = bookings.resource_let(actor=actor, instrument=space.resource, start=_midnight(start),
                                         end=_midnight(end + timedelta(days=1)), organization=company,
                                         note=str(company)[:300])
        except bookings.SlotUnavailable:
            raise HostingError(_("Start: the space is let or booked for some of these days."), "start") from None
        contract = Contract.objects.create(space=space, company=company, start=start, end=end, surface_m2=surface,
                                           monthly_price=price, hold=hold, created_by=actor,
                                           created_at=now or timezone.now())
        audit_record(actor=actor, action="contract.create", entity_type="contract", entity_key=str(contract.pk),
                     entity_label=str(contract), changes={
                         "company": [None, company.key], "start": [None, start.isoformat()],
                         "end": [None, end.isoformat()], "surface_m2": [None, str(surface)],
                         "monthly_price": [None, str(price)]})
    return contract


def contract_end(*, actor, contract: Contract, on: date) -> Contract:
    """The company leaves early: the contract's last day becomes `on`, and the days after are free."""
    if not permissions.can_manage_building(actor, contract.space.building):
        raise NotAllowed(_("Only the building's managers change its contracts."))
    on = _day(on, field="on", label=_("Last day"))
    if contract.cancelled_at is not None:
        raise HostingError(_("This contract was cancelled."), "status")
    if not contract.start <= on < contract.end:
        raise HostingError(_("Last day: between the contract's start and its current last day."), "on")
    with transaction.atomic(durable=True):
        if not bookings.resource_let_shorten(booking=contract.hold, end=_midnight(on + timedelta(days=1))):
            raise HostingError(_("This contract changed meanwhile: reload the page."), "status")
        if not Contract.objects.filter(pk=contract.pk, end=contract.end, cancelled_at__isnull=True).update(end=on):
            raise HostingError(_("This contract changed meanwhile: reload the page."), "status")
        audit_record(actor=actor, action="contract.end", entity_type="contract", entity_key=str(contract.pk),
                     entity_label=str(contract), changes={"end": [contract.end.isoformat(), on.isoformat()]})
        contract.end = on
    return contract


def contract_cancel(*, actor, contract: Contract, now: datetime | None = None) -> Contract:
    """A contract entered by mistake: it frees its space and never counts, even for the past."""
    if not permissions.can_manage_building(actor, contract.space.building):
        raise NotAllowed(_("Only the building's managers change its contracts."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        if not Contract.objects.filter(pk=contract.pk, cancelled_at__isnull=True).update(cancelled_at=now):
            raise HostingError(_("This contract was cancelled."), "status")
        bookings.resource_let_release(booking=contract.hold, now=now)
        audit_record(actor=actor, action="contract.cancel", entity_type="contract", entity_key=str(contract.pk),
                     entity_label=str(contract), changes={"cancelled_at": [None, now.isoformat()]})
        contract.cancelled_at = now
    return contract
