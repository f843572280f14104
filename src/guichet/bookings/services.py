"""Bookings, blackouts and trainings: one transaction each, audited, e-mailed after commit (orders: orders.py).

booking_create is the only way a slot is taken. On PostgreSQL the exclusion constraint refuses an
overlap even when two transactions race; on SQLite the transaction holds the write lock from BEGIN
(transaction_mode IMMEDIATE), so the overlap check and the insert cannot interleave with another writer.
"""

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guichet.accounts.selectors import organization_of
from guichet.core import bounds, params
from guichet.core.audit import audit_many, audit_record
from guichet.core.errors import Refused
from guichet.core.idempotency import Claim
from guichet.core.mail import notify
from guichet.core.services import record_save
from guichet.core.workdays import PARIS
from guichet.groups import budget
from guichet.groups import services as group_services

from . import permissions
from .models import Booking, FeedToken, TrainingAuthorization
from .selectors import BILLED

# The columns' lengths, which the API's schemas state too: refused beyond, never cut.
COST_CENTRE_MAX = Booking._meta.get_field("cost_centre").max_length
NOTE_MAX = Booking._meta.get_field("note").max_length


class BookingError(Refused):
    """A refused booking action, with a translated message naming what is wrong."""


class SlotUnavailable(BookingError):
    """Someone else has the slot (or part of it), or the instrument is blocked then."""


class NotTrained(BookingError):
    pass


class NotAllowed(BookingError):
    pass


def _aware(value: datetime, field: str = "start") -> datetime:
    """An instant in UTC; a naive value is Paris wall-clock time. (Python subtracts two datetimes of the
    same zone on the wall clock, which is wrong across a DST change: UTC avoids that trap.) A date outside
    core.bounds is refused before any arithmetic (0001-01-01 in Paris is before year 1 in UTC: a 500)."""
    if not bounds.EARLIEST_DATE <= value.date() <= bounds.LATEST_DATE:
        raise BookingError(_("Give a date between %(first)s and %(last)s.") % {
            "first": bounds.EARLIEST_DATE.isoformat(), "last": bounds.LATEST_DATE.isoformat()}, field)
    local = value if timezone.is_aware(value) else value.replace(tzinfo=PARIS)
    return local.astimezone(UTC)


def is_trained(user, instrument, at=None) -> bool:
    if not instrument.requires_training:
        return True
    at = at or timezone.now()
    return any(t.is_valid(at) for t in TrainingAuthorization.objects.filter(user=user, instrument=instrument))


def check_rules(instrument, start: datetime, end: datetime, now: datetime) -> None:
    """The instrument's booking rules, each refusal naming its field."""
    if end <= start:
        raise BookingError(_("The end must be after the start."), "end")
    minutes = (end - start).total_seconds() / 60
    if minutes < instrument.min_duration:
        raise BookingError(_("Book at least %(n)d minutes.") % {"n": instrument.min_duration}, "end")
    if minutes > instrument.max_duration:
        raise BookingError(_("Book at most %(n)d minutes.") % {"n": instrument.max_duration}, "end")
    if start < now + timedelta(minutes=instrument.min_notice):
        raise BookingError(_("Book at least %(n)d minutes ahead.") % {"n": instrument.min_notice}, "start")
    if start > now + timedelta(days=instrument.max_advance_days):
        raise BookingError(_("Book at most %(n)d days ahead.") % {"n": instrument.max_advance_days}, "start")
    local_start, local_end = start.astimezone(PARIS), end.astimezone(PARIS)
    if local_start.date() != local_end.date() or str(local_start.isoweekday()) not in instrument.open_weekdays:
        raise BookingError(_("The instrument is open on its opening days only, within one day."), "start")
    if local_start.time() < instrument.opens_at or local_end.time() > instrument.closes_at:
        raise BookingError(_("The instrument is open from %(open)s to %(close)s.") % {
            "open": instrument.opens_at.strftime("%H:%M"), "close": instrument.closes_at.strftime("%H:%M")}, "start")
    check_grid(instrument, local_start, local_end)


def _minutes_after_opening(instrument, local: datetime) -> float:
    opening = datetime.combine(local.date(), instrument.opens_at, local.tzinfo)
    return (local.replace(tzinfo=None) - opening.replace(tzinfo=None)).total_seconds() / 60


def check_grid(instrument, local_start: datetime, local_end: datetime) -> None:
    """Slots start and end on the instrument's grid (every slot_minutes from opening time, wall clock), the
    last one may end at closing time: the page offers nothing else, and the API may not either (issue 15:
    14:07:13-15:03 was accepted by the API)."""
    step = instrument.slot_minutes or 1
    start_off, end_off = _minutes_after_opening(instrument, local_start), _minutes_after_opening(instrument,
                                                                                                   local_end)
    on_grid_start = start_off == int(start_off) and int(start_off) % step == 0
    on_grid_end = local_end.time() == instrument.closes_at or (end_off == int(end_off) and int(end_off) % step == 0)
    if not on_grid_start:
        raise BookingError(_("Start on a slot of the instrument's grid: every %(n)d minutes from %(open)s.")
                           % {"n": step, "open": instrument.opens_at.strftime("%H:%M")}, "start")
    if not on_grid_end:
        raise BookingError(_("End on a slot of the instrument's grid: every %(n)d minutes from %(open)s.")
                           % {"n": step, "open": instrument.opens_at.strftime("%H:%M")}, "end")


DEADLOCK_ATTEMPTS = 3


def _insert(booking: Booking) -> Booking:
    """Insert a live slot, or raise SlotUnavailable: the no-overlap rule, whichever database runs."""
    if connection.vendor != "postgresql":
        taken = Booking.objects.filter(instrument_id=booking.instrument_id, status__in=Booking.LIVE,
                                       start__lt=booking.blocked_until, blocked_until__gt=booking.start).exists()
        if taken:
            raise SlotUnavailable(_("This slot is taken: choose another one."), "start")
        booking.save()
        return booking
    # Two transactions inserting overlapping slots at the same instant each wait for the other's row while
    # the constraint is checked: PostgreSQL cancels one of them (deadlock_detected). That one tries again
    # in its savepoint, now waiting for the other to finish, and meets the slot it holds; when the cycle
    # comes back (two series each holding a slot the other wants), the slot is held: it is taken.
    for attempt in range(DEADLOCK_ATTEMPTS):
        try:
            with transaction.atomic():
                booking.save()
            return booking
        except IntegrityError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == "23P01":  # exclusion_violation
                raise SlotUnavailable(_("This slot is taken: choose another one."), "start") from None
            raise
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "40P01":  # deadlock_detected
                raise
            booking.pk = None
            if attempt == DEADLOCK_ATTEMPTS - 1:
                raise SlotUnavailable(_("This slot is taken: choose another one."), "start") from None
    raise AssertionError("unreachable")


def booking_create(*, actor, instrument, start: datetime, end: datetime, organization=None, cost_centre: str = "",
                   note: str = "", now: datetime | None = None, idempotency: Claim | None = None,
                   project=None) -> Booking:
    """Take a slot. With an `idempotency` claim (API `Idempotency-Key`), the key is taken first in the same
    transaction: a concurrent duplicate raises AlreadyClaimed instead of meeting this booking as a conflict.
    With a `project` (groups.Project), the project is checked and charged in the same transaction."""
    now = now or timezone.now()
    start, end = _aware(start), _aware(end, "end")
    if not permissions.can_book(actor):
        raise NotAllowed(_("Log in as a member of the network to book."))
    if not instrument.bookable:
        raise BookingError(_("This instrument cannot be booked online."), "instrument")
    manager = permissions.can_manage_instrument(actor, instrument)
    if not manager and not is_trained(actor, instrument, start):
        raise NotTrained(_("You are not trained on this instrument (or your training has expired). Ask the "
                           "platform's managers for a training session."), "instrument")
    cost_centre = (cost_centre or "").strip()
    if message := params.text_error(cost_centre, max_length=COST_CENTRE_MAX, label=_("Cost centre")):
        raise BookingError(message, "cost_centre")
    if message := params.text_error(note or "", max_length=NOTE_MAX, label=_("Note")):
        raise BookingError(message, "note")
    check_rules(instrument, start, end, now)
    status = Booking.Status.REQUESTED if instrument.approval_required and not manager else Booking.Status.CONFIRMED
    if project is not None:  # --- groups (issue 12) --- the paying group's organization is billed
        organization = organization or project.group.organization
    organization = organization or organization_of(actor)
    booking = Booking(instrument=instrument, user=actor, organization=organization, project=project,
                      cost_centre=cost_centre, start=start, end=end, note=note,
                      blocked_until=end + timedelta(minutes=instrument.buffer_minutes), status=status, created_at=now)
    if connection.vendor != "postgresql":
        with transaction.atomic(durable=True):
            return _booking_write(booking, actor=actor, project=project, now=now, idempotency=idempotency)
    # One insert in its own transaction needs no savepoint (issue 13: a savepoint is two more round trips):
    # the exclusion constraint's refusal ends the transaction anyway, and when PostgreSQL cancels this
    # transaction in a deadlock with an overlapping insert (see _insert), the whole transaction runs again —
    # key, project charge, insert, audit and e-mail — now waiting for the other and meeting its slot.
    for _attempt in range(DEADLOCK_ATTEMPTS):
        try:
            with transaction.atomic(durable=True):
                return _booking_write(booking, actor=actor, project=project, now=now, idempotency=idempotency)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "40P01":  # deadlock_detected
                raise
            booking.pk = None
    raise SlotUnavailable(_("This slot is taken: choose another one."), "start")


def _booking_write(booking: Booking, *, actor, project, now, idempotency) -> Booking:
    """booking_create's writes, in its transaction: the key, the project's charge, the slot (the no-overlap
    rule: PostgreSQL's exclusion constraint, or the check under SQLite's write lock), the audit row, the
    e-mails."""
    instrument, start, end, status = booking.instrument, booking.start, booking.end, booking.status
    if idempotency is not None:
        idempotency.begin(now)
    if project is not None:
        charge_project(actor=actor, project=project, platform=instrument.platform, on=start.astimezone(PARIS).date(),
                       amount=budget.booking_estimate(instrument=instrument, organization=booking.organization,
                                                      hours=booking.hours), now=now)
    if connection.vendor == "postgresql":
        try:
            booking.save(force_insert=True)
        except IntegrityError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == "23P01":  # exclusion_violation
                raise SlotUnavailable(_("This slot is taken: choose another one."), "start") from None
            raise
    else:
        _insert(booking)
    if project is not None:
        group_services.project_alerts(project=project, now=now)
    audit_record(actor=actor, action="booking.create", entity_type="booking", entity_key=str(booking.pk),
                 entity_label=str(booking), changes={"start": [None, start.isoformat()],
                                                     "end": [None, end.isoformat()], "status": [None, status]})
    template = "booking_confirmed" if status == Booking.Status.CONFIRMED else "booking_requested"
    notify([actor], template, {"booking": booking})
    if status == Booking.Status.REQUESTED:
        notify(instrument.platform.managers.all(), "booking_to_approve", {"booking": booking})
    if idempotency is not None:
        idempotency.complete(201, booking)
    return booking


def charge_project(*, actor, project, platform, amount, on, service=None, now=None, order=None, booking=None,
                   check_actor=True):
    """--- groups (issue 12) --- a project's refusal as the booking's (403 when the actor may not charge it,
    else 409 naming the project)."""
    try:
        return group_services.project_charge(actor=actor, project=project, platform=platform, amount=amount, on=on,
                                             service=service, now=now, order=order, booking=booking,
                                             check_actor=check_actor)
    except group_services.ProjectRefused as exc:
        raise (NotAllowed if exc.forbidden else BookingError)(str(exc), "project") from None


def _booking_transition(booking: Booking, *, actor, to: str, allowed_from, template: str, **fields) -> Booking:
    updated = Booking.objects.filter(pk=booking.pk, status__in=list(allowed_from)).update(status=to, **fields)
    if not updated:
        raise BookingError(_("This booking can no longer change this way."), "status")
    audit_record(actor=actor, action=f"booking.{to}", entity_type="booking", entity_key=str(booking.pk),
                 entity_label=str(booking), changes={"status": [booking.status, to]})
    booking.status = to
    for name, value in fields.items():
        setattr(booking, name, value)
    if template:
        notify([booking.user], template, {"booking": booking})
    return booking


def booking_cancel(*, actor, booking: Booking, now=None) -> Booking:
    now = now or timezone.now()
    if not permissions.can_cancel_booking(actor, booking, now):
        if not permissions.is_booking_party(actor, booking):
            raise NotAllowed(_("You can cancel your own bookings only."))
        raise BookingError(_("Too late to cancel: ask the platform's managers (deadline %(h)d hours before).")
                           % {"h": booking.instrument.cancel_deadline_hours}, "status")
    with transaction.atomic(durable=True):
        return _booking_transition(booking, actor=actor, to=Booking.Status.CANCELLED, allowed_from=Booking.LIVE,
                                   template="booking_cancelled", cancelled_at=now)


def booking_decide(*, actor, booking: Booking, approve: bool) -> Booking:
    if not permissions.can_manage_instrument(actor, booking.instrument):
        raise NotAllowed(_("Only the platform's managers approve bookings."))
    with transaction.atomic(durable=True):
        if approve:
            if booking.project_id is not None:
                _approval_recheck(booking)
            return _booking_transition(booking, actor=actor, to=Booking.Status.CONFIRMED,
                                       allowed_from=[Booking.Status.REQUESTED], template="booking_approved",
                                       decided_by=actor)
        return _booking_transition(booking, actor=actor, to=Booking.Status.CANCELLED,
                                   allowed_from=[Booking.Status.REQUESTED], template="booking_refused",
                                   decided_by=actor, cancelled_at=timezone.now())


def _approval_recheck(booking: Booking) -> None:
    """--- groups (issue 12) --- approving a booking charged to a project checks the project again, as at booking
    time (valid on the booking's day, paying for the platform, its amount left beside what else it holds): it
    may have ended, been narrowed or been spent since the request. The manager approves; the booker committed
    the project when asking, so the right to charge is not asked of the manager."""
    current = Booking.objects.select_related("instrument__platform", "organization", "project").get(pk=booking.pk)
    charge_project(actor=None, project=current.project, platform=current.instrument.platform,
                   on=timezone.localtime(current.start, PARIS).date(), booking=current, check_actor=False,
                   amount=budget.booking_estimate(instrument=current.instrument, hours=current.hours,
                                                  organization=current.organization))


def booking_close(*, actor, booking: Booking, no_show: bool = False, now=None) -> Booking:
    """After the slot: completed (or no-show), for the statements."""
    now = now or timezone.now()
    if not permissions.can_manage_instrument(actor, booking.instrument):
        raise NotAllowed(_("Only the platform's managers close bookings."))
    if booking.end > now:
        raise BookingError(_("The slot has not ended yet."), "end")
    with transaction.atomic(durable=True):
        return _booking_transition(booking, actor=actor, to=Booking.Status.NO_SHOW if no_show
                                   else Booking.Status.COMPLETED, allowed_from=[Booking.Status.CONFIRMED], template="")


class MaintenanceOverlaps(SlotUnavailable):
    """Bookings stand in the period asked for: the manager must confirm cancelling (and notifying) them."""

    def __init__(self, message, bookings):
        super().__init__(message, "start")
        self.bookings = bookings


REASON_MAX = NOTE_MAX


def blackout_create(*, actor, instrument, start: datetime, end: datetime, reason: str = "",
                    cancel_bookings=(), now: datetime | None = None) -> Booking:
    """Block the instrument (maintenance). Where live bookings stand, refused with MaintenanceOverlaps, unless
    the manager confirmed cancelling exactly those (`cancel_bookings`, their ids): then they are cancelled,
    audited and their holders e-mailed with the reason, in the same transaction as the blackout. A booking
    taken after the confirmation page was shown is not in the list: refused again, never cancelled unseen."""
    if not permissions.can_manage_instrument(actor, instrument):
        raise NotAllowed(_("Only the platform's managers block an instrument."))
    now = now or timezone.now()
    start, end = _aware(start), _aware(end, "end")
    if end <= start:
        raise BookingError(_("The end must be after the start."), "end")
    if end <= now:
        raise BookingError(_("A maintenance period ends in the future."), "end")
    reason = (reason or "").strip()
    if message := params.text_error(reason, max_length=REASON_MAX, label=_("Reason")):
        raise BookingError(message, "reason")
    confirmed = {int(pk) for pk in cancel_bookings}
    with transaction.atomic(durable=True):
        standing = list(Booking.objects.filter(instrument=instrument, status__in=Booking.LIVE, start__lt=end,
                                               blocked_until__gt=start).select_related("user").order_by("start"))
        if any(b.kind == Booking.Kind.BLACKOUT for b in standing):
            raise SlotUnavailable(_("Another maintenance period already covers part of this one."), "start")
        if standing and not {b.pk for b in standing} <= confirmed:
            raise MaintenanceOverlaps(ngettext(
                "%(n)d booking stands in this period: confirm to cancel it and tell its holder.",
                "%(n)d bookings stand in this period: confirm to cancel them and tell their holders.",
                len(standing)) % {"n": len(standing)}, standing)
        for booking in standing:
            _booking_transition(booking, actor=actor, to=Booking.Status.CANCELLED, allowed_from=Booking.LIVE,
                                template="", cancelled_at=now, decided_by=actor)
            notify([booking.user], "booking_cancelled", {"booking": booking, "maintenance": True, "reason": reason})
        blackout = _insert(Booking(instrument=instrument, kind=Booking.Kind.BLACKOUT, user=actor, start=start,
                                   end=end, blocked_until=end, status=Booking.Status.CONFIRMED, note=reason))
        audit_record(actor=actor, action="blackout.create", entity_type="booking", entity_key=str(blackout.pk),
                     entity_label=str(blackout), changes={"start": [None, start.isoformat()],
                                                          "end": [None, end.isoformat()], "note": [None, reason],
                                                          "cancelled_bookings": [None, [b.pk for b in standing]]})
    return blackout


def resource_hold(*, actor, instrument, start: datetime, end: datetime, note: str = "") -> Booking:
    """Hold a resource (an event's room) for a session, on the same no-overlap rule as every booking;
    SlotUnavailable when a booking, a blackout or another session is there. Runs in the caller's
    transaction (events.services), which audits it."""
    start, end = _aware(start), _aware(end, "end")
    if end <= start:
        raise BookingError(_("The end must be after the start."), "end")
    return _insert(Booking(instrument=instrument, kind=Booking.Kind.EVENT, user=actor, start=start, end=end,
                           blocked_until=end + timedelta(minutes=instrument.buffer_minutes),
                           status=Booking.Status.CONFIRMED, note=(note or "")[:NOTE_MAX]))


def resource_release(*, booking: Booking, now: datetime | None = None) -> None:
    """Free a resource held by resource_hold (the session moved, changed room or was removed)."""
    Booking.objects.filter(pk=booking.pk, kind=Booking.Kind.EVENT, status__in=Booking.LIVE).update(
        status=Booking.Status.CANCELLED, cancelled_at=now or timezone.now())


# --- hosting spaces (issue 13) ---
def resource_let(*, actor, instrument, start: datetime, end: datetime, organization, note: str = "") -> Booking:
    """Hold a space (an office, a bench) for a hosting contract, from `start` to `end`, on the same no-overlap
    rule as every booking: two contracts of one space, or a contract over a booking, cannot overlap
    (PostgreSQL's exclusion constraint; SQLite's write lock). SlotUnavailable otherwise. Runs in the
    caller's transaction (hosting.services), which audits it."""
    start, end = _aware(start), _aware(end, "end")
    if end <= start:
        raise BookingError(_("The end must be after the start."), "end")
    return _insert(Booking(instrument=instrument, kind=Booking.Kind.CONTRACT, user=actor, organization=organization,
                           start=start, end=end, blocked_until=end, status=Booking.Status.CONFIRMED,
                           note=(note or "")[:NOTE_MAX]))


def resource_let_shorten(*, booking: Booking, end: datetime) -> bool:
    """End a contract's hold earlier (compare-and-set on its live status and a later end: shortening cannot
    overlap anything). False when the hold is no longer live or already ends by then."""
    return bool(Booking.objects.filter(pk=booking.pk, kind=Booking.Kind.CONTRACT, status__in=Booking.LIVE,
                                       start__lt=end, end__gt=end).update(end=end, blocked_until=end))


def resource_let_release(*, booking: Booking, now: datetime | None = None) -> bool:
    """Free a contract's hold (the contract was entered by mistake): compare-and-set on its live status."""
    return bool(Booking.objects.filter(pk=booking.pk, kind=Booking.Kind.CONTRACT, status__in=Booking.LIVE).update(
        status=Booking.Status.CANCELLED, cancelled_at=now or timezone.now()))


def blackout_cancel(*, actor, blackout: Booking, now: datetime | None = None) -> Booking:
    """Remove a maintenance period (declared by mistake, or over early): the slots can be booked again."""
    if not permissions.can_manage_instrument(actor, blackout.instrument):
        raise NotAllowed(_("Only the platform's managers block an instrument."))
    if blackout.kind != Booking.Kind.BLACKOUT:
        raise BookingError(_("This is not a maintenance period."), "status")
    with transaction.atomic(durable=True):
        return _booking_transition(blackout, actor=actor, to=Booking.Status.CANCELLED,
                                   allowed_from=[Booking.Status.CONFIRMED], template="",
                                   cancelled_at=now or timezone.now())


def training_grant(*, actor, user, instrument, expires_at=None, now: datetime | None = None) -> TrainingAuthorization:
    if not permissions.can_manage_instrument(actor, instrument):
        raise NotAllowed(_("Only the platform's managers grant trainings."))
    if not permissions.can_book(user):
        raise BookingError(_("Trainings are granted to members of the network only."), "person")
    if expires_at is not None and expires_at <= (now or timezone.now()):
        raise BookingError(_("A training expires after today."), "expires_at")
    with transaction.atomic(durable=True):
        training = TrainingAuthorization.objects.create(user=user, instrument=instrument, granted_by=actor,
                                                        expires_at=expires_at)
        audit_record(actor=actor, action="training.grant", entity_type="training", entity_key=str(training.pk),
                     entity_label=str(training),
                     changes={"expires_at": [None, expires_at.isoformat() if expires_at else None]})
    return training


def training_grant_for_course(*, actor, user, instrument, expires_at=None, course_key: str = "") -> TrainingAuthorization:
    """The authorization earned by attending a course's session (events.services.attendance_close, which
    decided who may record attendance): granted in the caller's transaction, audited with the course."""
    training = TrainingAuthorization.objects.create(user=user, instrument=instrument, granted_by=actor,
                                                    expires_at=expires_at)
    audit_record(actor=actor, action="training.grant", entity_type="training", entity_key=str(training.pk),
                 entity_label=str(training),
                 changes={"expires_at": [None, expires_at.isoformat() if expires_at else None],
                          "course": [None, course_key]})
    return training


def training_revoke(*, actor, training: TrainingAuthorization, reason: str = "") -> TrainingAuthorization:
    """Revoke with a reason (kept on the training and in the audit log); revoking twice is refused."""
    if not permissions.can_manage_instrument(actor, training.instrument):
        raise NotAllowed(_("Only the platform's managers revoke trainings."))
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(_("Say why the training is revoked."), "reason")
    if message := params.text_error(reason, max_length=REASON_MAX, label=_("Reason")):
        raise BookingError(message, "reason")
    now = timezone.now()
    with transaction.atomic(durable=True):
        if not TrainingAuthorization.objects.filter(pk=training.pk, revoked_at__isnull=True).update(
                revoked_at=now, revoke_reason=reason):
            raise BookingError(_("This training is already revoked."), "reason")
        audit_record(actor=actor, action="training.revoke", entity_type="training",
                     entity_key=str(training.pk), entity_label=str(training),
                     changes={"revoked": [False, True], "reason": [None, reason]})
    training.revoked_at, training.revoke_reason = now, reason
    return training


def feed_token_rotate(*, actor, instrument=None) -> FeedToken:
    """A new private ICS address (the actor's bookings, or an instrument's for its managers); the actor's
    previous one for the same calendar stops working in the same transaction."""
    if instrument is not None and not permissions.can_manage_instrument(actor, instrument):
        raise NotAllowed(_("Only the platform's managers see an instrument's calendar feed."))
    subject = {"user": None if instrument else actor, "instrument": instrument}
    with transaction.atomic(durable=True):
        revoked = FeedToken.objects.filter(**subject, created_by=actor, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        token = FeedToken.objects.create(**subject, created_by=actor)
        audit_record(actor=actor, action="feed.rotate" if revoked else "feed.create", entity_type="feed_token",
                     entity_key=str(token.pk), entity_label=instrument.key if instrument else str(actor),
                     changes={"revoked_previous": [None, revoked]})  # never the secret itself
    return token


def feed_token_revoke(*, actor, token: FeedToken) -> None:
    if token.created_by_id != actor.pk:
        raise NotAllowed(_("You can revoke your own calendar addresses only."))
    with transaction.atomic(durable=True):
        if FeedToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            audit_record(actor=actor, action="feed.revoke", entity_type="feed_token", entity_key=str(token.pk),
                         entity_label=token.instrument.key if token.instrument_id else str(actor),
                         changes={"revoked": [False, True]})


def send_due_reminders(*, now=None) -> int:
    """E-mail a reminder for each confirmed booking starting within 24 hours, exactly once.

    Run by the worker's clock (guichet.core.jobs.tick) and by `guichet sendreminders`; each reminder is
    claimed by compare-and-set, so two processes racing for one booking send it once.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(kind=Booking.Kind.BOOKING, status=Booking.Status.CONFIRMED,
                                 reminder_sent_at__isnull=True, start__gt=now,
                                 start__lte=now + timedelta(hours=24)).values_list("pk", flat=True)
    return sum(booking_reminder_claim(booking_pk=pk, now=now) is not None for pk in list(due))


def blackout_check(*, instrument, start: datetime, end: datetime) -> None:
    """What blackout_create would refuse, said before it runs (the admin's form shows it on the field).
    The database still has the last word when two writers race."""
    start, end = _aware(start), _aware(end, "end")
    if end <= start:
        raise BookingError(_("The end must be after the start."), "end")
    if Booking.objects.filter(instrument=instrument, status__in=Booking.LIVE, start__lt=end,
                              blocked_until__gt=start).exists():
        raise SlotUnavailable(_("This slot is taken: choose another one."), "start")


def project_change_check(*, record, project, platform, amount, on, service=None) -> bool:
    """--- groups (issue 12) --- staff moving a booking or an order to another project (the admin): that project
    is checked as at booking time — valid on its date, paying for its platform (and service), with its amount
    left — in the caller's transaction, its row locked. Keeping or removing a project checks nothing. Returns
    whether the record moves to another project (its heads may have to be alerted)."""
    before = type(record)._default_manager.filter(pk=record.pk).values_list("project_id", flat=True).first()
    if project is None or project.pk == before:
        return False
    charge_project(actor=None, project=project, platform=platform, service=service, amount=amount, on=on,
                   check_actor=False)
    return True


def booking_project_check(*, record: Booking, project, organization) -> bool:
    """A booking that counts against a budget (a live or billed booking, not a blackout) moved to `project`."""
    if record.kind != Booking.Kind.BOOKING or record.status not in (*Booking.LIVE, *BILLED):
        return False
    return project_change_check(
        record=record, project=project, platform=record.instrument.platform,
        amount=budget.booking_estimate(instrument=record.instrument, hours=record.hours, organization=organization),
        on=timezone.localtime(record.start, PARIS).date())


def booking_admin_update(*, actor, record: Booking, is_new: bool = False) -> None:
    """Staff correct a booking's note, cost centre, organization or project (checked as at booking time);
    slots and statuses move only through the services above (create, cancel, decide, close)."""
    if is_new:
        raise BookingError(_("Bookings are made from the instrument's calendar; the admin adds blackouts."),
                           "kind")
    with transaction.atomic():
        moved = booking_project_check(record=record, project=record.project, organization=record.organization)
        record_save(actor=actor, record=record, is_new=False)
        if moved:
            group_services.project_alerts(project=record.project)


def booking_reminder_claim(*, booking_pk: int, now) -> Booking | None:
    """Claim a booking's reminder (compare-and-set: of two processes racing, exactly one wins), audited and
    e-mailed after commit. Returns the booking when this process claimed it."""
    with transaction.atomic():
        if not Booking.objects.filter(pk=booking_pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
            return None
        booking = Booking.objects.select_related("user", "instrument__platform").get(pk=booking_pk)
        audit_record(actor=None, action="booking.reminder", entity_type="booking", entity_key=str(booking.pk),
                     entity_label=str(booking), changes={"reminder_sent_at": [None, now.isoformat()]})
        notify([booking.user], "booking_reminder", {"booking": booking})
    return booking


def booking_insert_within(*, actor, instrument, start: datetime, end: datetime, status: str, organization=None,
                          cost_centre: str = "", note: str = "", now: datetime | None = None) -> Booking:
    """Take one slot in the caller's transaction (facility.series: each occurrence of a series), on the
    same no-overlap rule as booking_create, audited; SlotUnavailable when taken. The caller checked the
    rules, the training and the actor, and sends one e-mail for all."""
    booking = _insert(Booking(instrument=instrument, user=actor, organization=organization,
                              cost_centre=cost_centre, start=start, end=end, note=note,
                              blocked_until=end + timedelta(minutes=instrument.buffer_minutes), status=status,
                              created_at=now or timezone.now()))
    audit_record(actor=actor, action="booking.create", entity_type="booking", entity_key=str(booking.pk),
                 entity_label=str(booking), changes={"start": [None, start.isoformat()],
                                                     "end": [None, end.isoformat()], "status": [None, status]})
    return booking


def bookings_insert_many_within(*, actor, instrument, slots, status: str, organization=None, cost_centre: str = "",
                                note: str = "", now: datetime | None = None) -> list[Booking] | None:
    """Take the slots [(start, end)…] in the caller's transaction with one INSERT and one audit INSERT (facility.series:
    a 52-week series was 52 savepoints, inserts and audit rows), on PostgreSQL, where the exclusion constraint checks
    every row of the statement, against other bookings and against each other. None when one slot is taken (or the
    insert met another writer's slot in a deadlock): nothing of it is written, and the caller takes the slots one by
    one (booking_insert_within), to know which. None at once on other databases: the per-slot check is the rule there.
    The caller checked the rules, the training and the actor."""
    if connection.vendor != "postgresql" or not slots:
        return None
    now = now or timezone.now()
    buffer = timedelta(minutes=instrument.buffer_minutes)
    rows = [Booking(instrument=instrument, user=actor, organization=organization, cost_centre=cost_centre,
                    start=start, end=end, note=note, blocked_until=end + buffer, status=status, created_at=now)
            for start, end in slots]
    try:
        with transaction.atomic():
            Booking.objects.bulk_create(rows)
    except IntegrityError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "23P01":  # exclusion_violation
            return None
        raise
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "40P01":  # deadlock_detected
            return None
        raise
    audit_many(actor=actor, events=(
        ("booking.create", "booking", str(b.pk), str(b), {"start": [None, b.start.isoformat()],
                                                        "end": [None, b.end.isoformat()], "status": [None, status]})
        for b in rows))
    return rows
