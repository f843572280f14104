"""Events: registration, waitlist, cancellation, check-in, reminders, attendance. One transaction each,
audited, e-mailed (outbox) after commit in each recipient's language.

Seats: `Session.seats_taken` is taken by compare-and-set (`UPDATE … WHERE seats_taken < capacity`), which the
database serialises on both engines (the row lock of PostgreSQL's UPDATE, SQLite's write lock from BEGIN
IMMEDIATE), and a CHECK constraint keeps it within capacity. Whoever loses the last seat is waitlisted; a seat
freed goes to the first of the waiting list (queued_at, id), again by compare-and-set.
"""

import calendar
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guichet.accounts.identity import normalize_login
from guichet.core import params, ratelimit
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.mail import notify, outbox_write, render_mail

from . import permissions
from .models import Course, Event, Registration, Session  # noqa: F401 — Registration for the admin

NAME_MAX = Registration._meta.get_field("full_name").max_length
ORGANIZATION_MAX = Registration._meta.get_field("organization_name").max_length
# Reminders go out this long before a session starts (pretix and Indico both default to a day).
REMINDER_AHEAD = timedelta(hours=24)


class EventError(Refused):
    """A refused action on an event, with a translated message naming what is wrong."""


class NotAllowed(EventError):
    pass


class AlreadyRegistered(EventError):
    pass


class RateLimited(EventError):
    pass


# --- e-mail --------------------------------------------------------------------------------------------

def _mail(registration: Registration, template: str, context: dict | None = None) -> None:
    """To the account when there is one (notify: its language), else to the visitor's address in the
    language they registered in. Written in the caller's transaction, sent after it commits."""
    ctx = {"registration": registration, "session": registration.session, "event": registration.session.event,
           **(context or {})}
    user = registration.user
    if user is not None and user.is_active and user.email:
        notify([user], template, ctx)
        return
    subject, body = render_mail(template, {**ctx, "recipient": None}, registration.language)
    outbox_write(subject=subject, body=body, to=[registration.email], template=template)


# --- seats ---------------------------------------------------------------------------------------------

def _take_seat(session_pk: int) -> bool:
    """Compare-and-set on the session's counter: True for the caller who got a seat."""
    return bool(Session.objects.filter(pk=session_pk, seats_taken__lt=F("capacity"))
                .update(seats_taken=F("seats_taken") + 1))


def _free_seat(session_pk: int) -> None:
    Session.objects.filter(pk=session_pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def _promote(session_pk: int, *, now) -> list[Registration]:
    """Give free seats to the waiting list, in order; each promotion is a compare-and-set on its row."""
    promoted = []
    while True:
        first = (Registration.objects.filter(session_id=session_pk, status=Registration.Status.WAITLISTED)
                 .order_by("queued_at", "id").select_related("session__event", "user").first())
        if first is None or not _take_seat(session_pk):
            return promoted
        if not Registration.objects.filter(pk=first.pk, status=Registration.Status.WAITLISTED).update(
                status=Registration.Status.CONFIRMED, confirmed_at=now):
            _free_seat(session_pk)  # someone else moved it meanwhile (cancelled): the seat goes to the next
            continue
        first.status, first.confirmed_at = Registration.Status.CONFIRMED, now
        audit_record(actor=None, action="registration.promote", entity_type="registration",
                     entity_key=str(first.pk), entity_label=str(first),
                     changes={"status": [Registration.Status.WAITLISTED, Registration.Status.CONFIRMED]})
        _mail(first, "event_promoted")
        promoted.append(first)


def _place(registration: Registration, *, now) -> str:
    """A seat if one is left, else the waiting list; returns the status given."""
    if _take_seat(registration.session_id):
        return Registration.Status.CONFIRMED
    registration.queued_at = now
    return Registration.Status.WAITLISTED


def _check_open(session: Session, now) -> None:
    event = session.event
    if event.status != Event.Status.PUBLISHED:
        raise EventError(_("Registration is not open for this event."), "session")
    if session.start <= now:
        raise EventError(_("This session has started: registration is closed."), "session")


def _check_prerequisites(*, email: str, user, course: Course | None) -> None:
    """A course's prerequisites: each one attended (a closed session of it) by this person."""
    if course is None:
        return
    missing = []
    for required in course.prerequisites.all():
        who = Q(email__iexact=email) | (Q(user=user) if user is not None else Q(pk__in=[]))
        if not Registration.objects.filter(who, attended=True, session__event__course=required).exists():
            missing.append(required.title)
    if missing:
        raise EventError(_("This course requires first: %(courses)s.") % {"courses": ", ".join(missing)},
                         "session")


def _audit(registration: Registration, action: str, actor, before: str | None) -> None:
    audit_record(actor=actor, action=f"registration.{action}", entity_type="registration",
                 entity_key=str(registration.pk), entity_label=str(registration),
                 changes={"status": [before, registration.status]})


def _confirmation_mail(registration: Registration) -> None:
    _mail(registration, "event_registered" if registration.status == Registration.Status.CONFIRMED
          else "event_waitlisted")


def registration_create(*, actor, session: Session, now: datetime | None = None) -> Registration:
    """A logged-in person registers with their account: a seat, or the waiting list."""
    now = now or timezone.now()
    if not permissions.can_register_as_member(actor):
        raise NotAllowed(_("Log in to register with your account, or register as a visitor."))
    _check_open(session, now)
    _check_prerequisites(email=actor.email, user=actor, course=session.event.course)
    if Registration.objects.filter(session=session, email__iexact=actor.email, status__in=Registration.LIVE).exists():
        raise AlreadyRegistered(_("You are already registered for this session."), "session")
    try:
        with transaction.atomic(durable=True):
            registration = Registration(session=session, user=actor, email=actor.email,
                                        full_name=actor.get_full_name()[:NAME_MAX],
                                        organization_name=_organization_name(actor), language=actor.language,
                                        created_at=now, confirmed_at=now)
            registration.status = _place(registration, now=now)
            registration.save()
            _audit(registration, "create", actor, None)
            _confirmation_mail(registration)
    except IntegrityError:  # the same person, twice at once: the partial unique index decided
        raise AlreadyRegistered(_("You are already registered for this session."), "session") from None
    return registration


def _organization_name(user) -> str:
    membership = user.memberships.select_related("organization").first() if user.pk else None
    return membership.organization.name[:ORGANIZATION_MAX] if membership else ""


def visitor_register_start(*, session: Session, email: str, full_name: str, organization_name: str = "",
                           language: str | None = None, client_address: str | None = None,
                           now: datetime | None = None) -> Registration:
    """A visitor without an account: held as pending, without a seat, until the e-mailed link is followed.
    Asking again for the same address sends the link (or the ticket) again; the page says the same either
    way, so it tells nobody who is registered."""
    now = now or timezone.now()
    if not session.event.visitors_allowed:
        raise NotAllowed(_("This event is for members of the network: log in to register."), "email")
    _check_open(session, now)
    email = normalize_login(email or "")
    try:
        validate_email(email)
    except ValidationError:
        raise EventError(_("E-mail address: give a valid address."), "email") from None
    full_name = (full_name or "").strip()
    if not full_name:
        raise EventError(_("Full name: this field is required."), "full_name")
    for value, limit, label, field in ((full_name, NAME_MAX, _("Full name"), "full_name"),
                                       (organization_name or "", ORGANIZATION_MAX, _("Organization"),
                                        "organization_name")):
        if message := params.text_error(value, max_length=limit, label=label):
            raise EventError(message, field)
    if not ratelimit.hit("event-visitor-address", client_address or "unknown",
                         limit=settings.GUICHET_EVENT_VISITOR_PER_ADDRESS_HOUR, window_seconds=3600):
        raise RateLimited(_("Too many registrations were sent from your connection. Try again in an hour."))
    _check_prerequisites(email=email, user=None, course=session.event.course)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    try:
        with transaction.atomic(durable=True):
            existing = Registration.objects.filter(session=session, email__iexact=email,
                                                   status__in=Registration.LIVE).first()
            if existing is not None:
                audit_record(actor=None, action="registration.resend", entity_type="registration",
                             entity_key=str(existing.pk), entity_label=str(existing))
                if existing.status == Registration.Status.PENDING:
                    _mail(existing, "event_visitor_confirm")
                else:
                    _confirmation_mail(existing)
                return existing
            registration = Registration.objects.create(
                session=session, email=email, full_name=full_name, organization_name=(organization_name or "").strip(),
                language=language, status=Registration.Status.PENDING, created_at=now)
            _audit(registration, "start", None, None)
            _mail(registration, "event_visitor_confirm")
    except IntegrityError:
        raise AlreadyRegistered(_("A registration for this address is already being made."), "email") from None
    return registration


def visitor_register_confirm(*, token: str, now: datetime | None = None) -> Registration:
    """The visitor followed the e-mailed link: a seat, or the waiting list. A second click changes nothing."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        registration = (Registration.objects.select_related("session__event", "user")
                        .filter(token=token).first())
        if registration is None:
            raise EventError(_("This link is invalid."), "token")
        if registration.status != Registration.Status.PENDING:
            return registration
        _check_open(registration.session, now)
        status = _place(registration, now=now)
        if not Registration.objects.filter(pk=registration.pk, status=Registration.Status.PENDING).update(
                status=status, confirmed_at=now, queued_at=registration.queued_at):
            raise EventError(_("This registration changed meanwhile: reload the page."), "token")
        registration.status, registration.confirmed_at = status, now
        _audit(registration, "confirm", None, Registration.Status.PENDING)
        _confirmation_mail(registration)
    return registration


def can_cancel(actor, registration: Registration, *, by_token: bool = False) -> bool:
    if by_token or permissions.can_manage_events(actor):
        return True
    return bool(actor and actor.is_authenticated and (
        registration.user_id == actor.pk or registration.email.lower() == actor.email.lower()))


def registration_cancel(*, actor, registration: Registration, by_token: bool = False,
                        now: datetime | None = None) -> Registration:
    """Give the place up (the holder, by their account or their ticket's link, or staff); a seat freed goes
    to the first of the waiting list in the same transaction."""
    now = now or timezone.now()
    if not can_cancel(actor, registration, by_token=by_token):
        raise NotAllowed(_("You can cancel your own registrations only."))
    if registration.checked_in_at is not None:
        raise EventError(_("You were checked in: this registration can no longer be cancelled."), "status")
    if registration.session.start <= now and not permissions.can_manage_events(actor):
        raise EventError(_("This session has started: it can no longer be cancelled."), "status")
    before = registration.status
    with transaction.atomic(durable=True):
        if not Registration.objects.filter(pk=registration.pk, status=before, checked_in_at__isnull=True).update(
                status=Registration.Status.CANCELLED, cancelled_at=now):
            raise EventError(_("This registration is already cancelled."), "status")
        registration.status, registration.cancelled_at = Registration.Status.CANCELLED, now
        _audit(registration, "cancel", actor, before)
        _mail(registration, "event_cancelled")
        if before == Registration.Status.CONFIRMED:
            _free_seat(registration.session_id)
            _promote(registration.session_id, now=now)
    return registration


def check_in(*, actor, registration: Registration, now: datetime | None = None) -> Registration:
    """At the door (the QR code on the ticket opens this for the team): once, for a confirmed place."""
    now = now or timezone.now()
    if not permissions.can_check_in(actor, registration.session):
        raise NotAllowed(_("Only the cluster team and the session's trainers check people in."))
    if registration.status != Registration.Status.CONFIRMED:
        raise EventError(_("This person has no confirmed place (%(status)s).")
                         % {"status": registration.get_status_display()}, "status")
    with transaction.atomic(durable=True):
        if not Registration.objects.filter(pk=registration.pk, status=Registration.Status.CONFIRMED,
                                           checked_in_at__isnull=True).update(checked_in_at=now, attended=True):
            raise EventError(_("Already checked in."), "status")
        registration.checked_in_at, registration.attended = now, True
        audit_record(actor=actor, action="registration.check_in", entity_type="registration",
                     entity_key=str(registration.pk), entity_label=str(registration),
                     changes={"checked_in_at": [None, now.isoformat()]})
    return registration


def send_event_reminders(*, now: datetime | None = None) -> int:
    """E-mail each confirmed registration once, within REMINDER_AHEAD of its session (run by the tick)."""
    now = now or timezone.now()
    due = list(Registration.objects.filter(status=Registration.Status.CONFIRMED, reminder_sent_at__isnull=True,
                                           session__start__gt=now, session__start__lte=now + REMINDER_AHEAD,
                                           session__event__status=Event.Status.PUBLISHED)
               .values_list("pk", flat=True)[:1000])
    sent = 0
    for pk in due:
        with transaction.atomic():
            if not Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue  # another process claimed it
            registration = Registration.objects.select_related("session__event", "user").get(pk=pk)
            audit_record(actor=None, action="registration.reminder", entity_type="registration",
                         entity_key=str(pk), entity_label=str(registration),
                         changes={"reminder_sent_at": [None, now.isoformat()]})
            _mail(registration, "event_reminder")
            sent += 1
    return sent


# --- the team's doors: events and sessions (the admin) --------------------------------------------------

def event_save(*, actor, record: Event, is_new: bool) -> None:
    from guichet.core.services import record_save

    if not permissions.can_manage_events(actor):
        raise NotAllowed(_("Only the cluster team edits events."))
    if record.kind == Event.Kind.TRAINING and record.course_id is None:
        raise EventError(_("Course: a training names its course."), "course")
    with transaction.atomic():
        record_save(actor=actor, record=record, is_new=is_new)


def session_check(record: Session) -> None:
    """What session_save refuses, said before it runs (the admin's form shows it on the field); the
    database keeps the last word on the room when two writers race."""
    from guichet.bookings.models import Booking

    if record.start is None or record.end is None or record.end <= record.start:
        raise EventError(_("The end must be after the start."), "end")
    if record.capacity is None:
        return
    if record.room is not None and record.capacity > record.room.capacity:
        raise EventError(_("Seats: the room has %(n)d seats.") % {"n": record.room.capacity}, "capacity")
    if record.pk and record.capacity < Session.objects.get(pk=record.pk).seats_taken:
        raise EventError(_("Seats: more people already hold a seat."), "capacity")
    if record.room is not None:
        buffer = timedelta(minutes=record.room.resource.buffer_minutes)
        clash = Booking.objects.filter(instrument=record.room.resource, status__in=Booking.LIVE,
                                       start__lt=record.end + buffer, blocked_until__gt=record.start)
        if record.room_booking_id:
            clash = clash.exclude(pk=record.room_booking_id)
        if clash.exists():
            raise EventError(_("Room: it is taken then (a booking, a maintenance or another session)."), "room")


def session_save(*, actor, record: Session, is_new: bool, now: datetime | None = None) -> None:
    """Save a session; its room is held on the bookings engine (refused where the room is taken), and seats
    added go to the waiting list."""
    from guichet.bookings.services import BookingError, resource_hold, resource_release
    from guichet.core.services import record_save

    now = now or timezone.now()
    if not permissions.can_manage_events(actor):
        raise NotAllowed(_("Only the cluster team edits events."))
    session_check(record)
    with transaction.atomic():
        before = None if is_new else Session.objects.select_for_update().get(pk=record.pk)
        if before is not None:
            record.seats_taken = before.seats_taken
            if record.capacity < before.seats_taken:
                raise EventError(_("Seats: %(n)d people already hold a seat.") % {"n": before.seats_taken},
                                 "capacity")
        moved = before is None or (before.room_id, before.start, before.end) != (record.room_id, record.start,
                                                                                 record.end)
        if moved:
            if before is not None and before.room_booking_id:
                resource_release(booking=before.room_booking, now=now)
                record.room_booking = None
            if record.room is not None:
                try:
                    record.room_booking = resource_hold(actor=actor, instrument=record.room.resource,
                                                        start=record.start, end=record.end,
                                                        note=str(record.event)[:200])
                except BookingError as exc:
                    raise EventError(_("Room: %(reason)s") % {"reason": exc}, "room") from None
        record_save(actor=actor, record=record, is_new=is_new)
        if record.pk and before is not None and record.capacity > before.capacity:
            _promote(record.pk, now=now)


def session_delete(*, actor, record: Session) -> None:
    from guichet.bookings.services import resource_release
    from guichet.core.services import record_delete

    if not permissions.can_manage_events(actor):
        raise NotAllowed(_("Only the cluster team edits events."))
    with transaction.atomic():
        if record.registrations.filter(status__in=Registration.LIVE).exists():
            raise EventError(_("People are registered for this session: cancel their registrations first."),
                             "session")
        booking = record.room_booking
        record_delete(actor=actor, record=record)
        if booking is not None:
            resource_release(booking=booking)


# --- trainings: attendance, authorizations --------------------------------------------------------------

def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def attendance_close(*, actor, session: Session, attended_ids, now: datetime | None = None) -> list[Registration]:
    """The trainer (or staff) closes a session's attendance: those listed attended, the others did not.
    For a course that authorises an instrument, each attendee with an account is granted the bookings
    TrainingAuthorization (with the course's expiry), in the same transaction."""
    from guichet.bookings.services import training_grant_for_course

    now = now or timezone.now()
    if not permissions.can_record_attendance(actor, session):
        raise NotAllowed(_("Only the cluster team and the session's trainers record attendance."))
    if session.start > now:
        raise EventError(_("The session has not started yet."), "session")
    wanted = {int(pk) for pk in attended_ids}
    with transaction.atomic(durable=True):
        if not Session.objects.filter(pk=session.pk, completed_at__isnull=True).update(completed_at=now):
            raise EventError(_("Attendance for this session is already closed."), "session")
        confirmed = list(session.registrations.filter(status=Registration.Status.CONFIRMED).select_related("user"))
        unknown = wanted - {r.pk for r in confirmed}
        if unknown:
            raise EventError(_("Attendance: only confirmed registrations can be marked."), "attended")
        course = session.event.course
        expires = (add_months(now, course.authorization_months)
                   if course and course.authorization_months else None)
        attendees = []
        for registration in confirmed:
            attended = registration.pk in wanted
            Registration.objects.filter(pk=registration.pk).update(attended=attended)
            registration.attended = attended
            if attended:
                attendees.append(registration)
                if course and course.instrument_id and registration.user_id:
                    training_grant_for_course(actor=actor, user=registration.user, instrument=course.instrument,
                                              expires_at=expires, course_key=course.key)
        audit_record(actor=actor, action="session.attendance", entity_type="session", entity_key=str(session.pk),
                     entity_label=str(session), changes={"attended": [None, sorted(r.pk for r in attendees)]})
        session.completed_at = now
    return attendees
