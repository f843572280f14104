"""Partnering: joining, availability, meeting requests and answers, placement (at acceptance, and by the
team's scheduler run), outcomes. One transaction each, audited, e-mailed after commit.

The database decides the last word on "nobody in two places at once": SlotUse is unique per (participant,
slot), so a placement that collides (two writers, or an unavailability written meanwhile) fails as a whole
and is refused (SlotTaken), on SQLite and PostgreSQL alike.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.models import Membership
from guichet.core import params
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.mail import notify
from guichet.directory.models import Person
from guichet.events.models import Event

from . import permissions, scheduler
from .models import Meeting, MeetingRequest, Participant, Slot, SlotUse, Table

TEXT_MAX = Participant._meta.get_field("offers").max_length
MESSAGE_MAX = MeetingRequest._meta.get_field("message").max_length
NOTE_MAX = Meeting._meta.get_field("outcome_note").max_length
# The team's scheduler run: its time budget (the bench shows 500 people and 3,000 requests placed in < 1 s).
SCHEDULER_SECONDS = 5.0


class PartneringError(Refused):
    pass


class NotAllowed(PartneringError):
    pass


class SlotTaken(PartneringError):
    """One of the two is already busy then (a meeting or an unavailability), or no table is left."""


def _audit(actor, action, record, changes=None):
    audit_record(actor=actor, action=action, entity_type=record._meta.model_name, entity_key=str(record.pk),
                 entity_label=str(record), changes=changes or {})


def _check_text(value: str, label: str, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PartneringError(_("%(label)s: this field is required.") % {"label": label}, field)
    if message := params.text_error(value, max_length=limit, label=label):
        raise PartneringError(message, field)
    return value


def booking_over(event: Event, now: datetime | None = None) -> bool:
    """The booking phase ends once the day's last slot has begun: no meeting can be placed any more (the trial of
    issue 16 found a past day still taking profiles, requests, acceptances and availabilities)."""
    slots = Slot.objects.filter(event=event)
    return slots.exists() and not slots.filter(start__gt=now or timezone.now()).exists()


def _check_booking_open(event: Event, now: datetime | None = None) -> None:
    if booking_over(event, now):
        raise PartneringError(_("The meetings of this Partnering Day are over: requests and availabilities are "
                                "closed."), "event")


def participant_join(*, actor, event: Event, offers: str, seeks: str, now: datetime | None = None) -> Participant:
    """Take part in a Partnering Day, linked to one's directory records (organization, person by e-mail)."""
    if not permissions.can_join(actor):
        raise NotAllowed(_("Log in to take part in the partnering."))
    if event.kind != Event.Kind.PARTNERING or event.status != Event.Status.PUBLISHED:
        raise PartneringError(_("This event has no partnering open."), "event")
    _check_booking_open(event, now)
    offers = _check_text(offers, _("What I offer"), "offers", TEXT_MAX)
    seeks = _check_text(seeks, _("What I seek"), "seeks", TEXT_MAX)
    membership = Membership.objects.filter(user=actor).select_related("organization").first()
    person = Person.objects.filter(email__iexact=actor.email).first()
    with transaction.atomic(durable=True):
        participant, created = Participant.objects.update_or_create(
            event=event, user=actor, defaults={"offers": offers, "seeks": seeks,
                                               "organization": membership.organization if membership else
                                               (person.organization if person else None), "person": person})
        _audit(actor, "participant.join" if created else "participant.update", participant,
               {"offers": [None, offers], "seeks": [None, seeks]})
    return participant


def unavailability_set(*, actor, participant: Participant, slots) -> None:
    """Mark the slots one cannot make (replacing the previous choice); a slot holding a meeting is refused."""
    if participant.user_id != actor.pk and not permissions.can_manage(actor):
        raise NotAllowed(_("You can change your own availability only."))
    _check_booking_open(participant.event)
    wanted = {s.pk for s in slots if s.event_id == participant.event_id}
    try:
        with transaction.atomic(durable=True):
            current = set(participant.slot_uses.filter(meeting__isnull=True).values_list("slot_id", flat=True))
            participant.slot_uses.filter(meeting__isnull=True, slot_id__in=current - wanted).delete()
            SlotUse.objects.bulk_create([SlotUse(participant=participant, slot_id=pk) for pk in wanted - current])
            _audit(actor, "participant.unavailable", participant,
                   {"unavailable": [sorted(current), sorted(wanted)]})
    except IntegrityError:
        raise SlotTaken(_("You have a meeting in one of these slots: cancel it first."), "slots") from None


def request_create(*, actor, requester: Participant, recipient: Participant, message: str = "",
                   reasons=(), now: datetime | None = None) -> MeetingRequest:
    if requester.user_id != actor.pk:
        raise NotAllowed(_("You request meetings for yourself only."))
    if requester.event_id != recipient.event_id or requester.pk == recipient.pk:
        raise PartneringError(_("Choose another participant of this Partnering Day."), "recipient")
    _check_booking_open(requester.event, now)
    message = _check_text(message, _("Message"), "message", MESSAGE_MAX, required=False)
    live = MeetingRequest.objects.filter(status__in=["requested", "accepted"]).filter(
        Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester))
    if live.exists():
        raise PartneringError(_("A meeting with this participant is already requested."), "recipient")
    try:
        with transaction.atomic(durable=True):
            request = MeetingRequest.objects.create(event_id=requester.event_id, requester=requester,
                                                    recipient=recipient, message=message,
                                                    reasons=[str(r)[:200] for r in reasons][:5],
                                                    created_at=now or timezone.now())
            _audit(actor, "meeting_request.create", request)
            notify([recipient.user], "partnering_requested", {"request": request})
    except IntegrityError:
        raise PartneringError(_("A meeting with this participant is already requested."), "recipient") from None
    return request


def _free_table(slot: Slot) -> Table | None:
    return (Table.objects.filter(event_id=slot.event_id).exclude(meetings__slot=slot).order_by("number").first())


def _write_meeting(request: MeetingRequest, slot: Slot, table: Table) -> Meeting:
    """Both SlotUse rows and the meeting, in a savepoint: a collision raises IntegrityError, nothing kept."""
    with transaction.atomic():
        meeting = Meeting.objects.create(request=request, event_id=request.event_id, slot=slot, table=table)
        SlotUse.objects.bulk_create([SlotUse(participant_id=request.requester_id, slot=slot, meeting=meeting),
                                     SlotUse(participant_id=request.recipient_id, slot=slot, meeting=meeting)])
    return meeting


def _place_now(request: MeetingRequest) -> Meeting | None:
    """The least busy slot both can make with a table free (as the scheduler chooses); None when none is."""
    busy = set(SlotUse.objects.filter(participant_id__in=[request.requester_id, request.recipient_id])
               .values_list("slot_id", flat=True))
    slots = (Slot.objects.filter(event_id=request.event_id).exclude(pk__in=busy)
             .annotate(n=Count("meetings")).order_by("n", "start"))
    for slot in slots:
        table = _free_table(slot)
        if table is None:
            continue
        try:
            return _write_meeting(request, slot, table)
        except IntegrityError:
            continue  # taken meanwhile: the next slot
    return None


def request_answer(*, actor, request: MeetingRequest, accept: bool, now: datetime | None = None) -> MeetingRequest:
    """The recipient accepts (the meeting is placed at once where a slot and a table are free) or declines."""
    now = now or timezone.now()
    if request.recipient.user_id != actor.pk:
        raise NotAllowed(_("Only the participant asked answers this request."))
    if accept:
        _check_booking_open(request.event, now)  # declining stays possible: it places nothing
    to = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
    with transaction.atomic(durable=True):
        if not MeetingRequest.objects.filter(pk=request.pk, status=MeetingRequest.Status.REQUESTED).update(
                status=to, decided_at=now):
            raise PartneringError(_("This request was already answered."), "status")
        request.status, request.decided_at = to, now
        _audit(actor, f"meeting_request.{to}", request, {"status": ["requested", to]})
        meeting = _place_now(request) if accept else None
        if meeting is not None:
            _audit(actor, "meeting.place", meeting, {"slot": [None, meeting.slot.start.isoformat()],
                                                     "table": [None, meeting.table.number]})
        notify([request.requester.user], "partnering_answered", {"request": request, "meeting": meeting})
    return request


def meeting_place(*, actor, request: MeetingRequest, slot: Slot, table: Table | None = None) -> Meeting:
    """The team places one accepted request in a given slot (and table): refused by the database when one
    side is already busy then."""
    if not permissions.can_manage(actor):
        raise NotAllowed(_("Only the cluster team places meetings."))
    if request.status != MeetingRequest.Status.ACCEPTED or slot.event_id != request.event_id:
        raise PartneringError(_("Only an accepted request of this day is placed."), "request")
    try:
        with transaction.atomic(durable=True):
            table = table or _free_table(slot)
            if table is None:
                raise SlotTaken(_("No table is left in this slot."), "slot")
            meeting = _write_meeting(request, slot, table)
            _audit(actor, "meeting.place", meeting, {"slot": [None, slot.start.isoformat()],
                                                     "table": [None, table.number]})
    except IntegrityError:
        raise SlotTaken(_("One of the two is already busy in this slot, or the table is taken."), "slot") from None
    return meeting


def schedule_run(*, actor, event: Event, seconds: float = SCHEDULER_SECONDS) -> dict:
    """Place every accepted request not placed yet (scheduler.schedule), around the meetings already
    placed and everyone's unavailability; all or nothing."""
    if not permissions.can_manage(actor):
        raise NotAllowed(_("Only the cluster team runs the scheduler."))
    slots = list(Slot.objects.filter(event=event).order_by("start"))
    tables = list(Table.objects.filter(event=event).order_by("number"))
    index = {s.pk: i for i, s in enumerate(slots)}
    with transaction.atomic(durable=True):
        pending = list(MeetingRequest.objects.filter(event=event, status=MeetingRequest.Status.ACCEPTED,
                                                     meeting__isnull=True).order_by("decided_at", "id"))
        unavailable: dict[int, set[int]] = {}
        for participant_id, slot_id in SlotUse.objects.filter(slot__event=event).values_list("participant_id",
                                                                                              "slot_id"):
            unavailable.setdefault(participant_id, set()).add(index[slot_id])
        used = dict(Meeting.objects.filter(event=event).values_list("slot_id").annotate(n=Count("id")))
        problem = scheduler.Problem(slots=len(slots), tables=len(tables),
                                    requests=[(r.requester_id, r.recipient_id) for r in pending],
                                    unavailable=unavailable,
                                    capacity=[len(tables) - used.get(s.pk, 0) for s in slots])
        placement = scheduler.schedule(problem, seconds=seconds)
        scheduler.check(problem, placement)
        taken = {(m.slot_id, m.table_id) for m in Meeting.objects.filter(event=event)}
        try:
            for r, s in sorted(placement.slot_of.items()):
                slot = slots[s]
                table = next(t for t in tables if (slot.pk, t.pk) not in taken)
                taken.add((slot.pk, table.pk))
                meeting = _write_meeting(pending[r], slot, table)
                notify([pending[r].requester.user, pending[r].recipient.user], "partnering_placed",
                       {"meeting": meeting})
        except IntegrityError:
            raise SlotTaken(_("Availability changed while the scheduler ran: run it again."), "event") from None
        result = {"pending": len(pending), "placed": placement.placed(), "upper_bound": scheduler.upper_bound(problem)}
        audit_record(actor=actor, action="partnering.schedule", entity_type="event", entity_key=event.key,
                     entity_label=str(event), changes={k: [None, v] for k, v in result.items()})
    return result


def meeting_outcome(*, actor, meeting: Meeting, held: bool, outcome: str = "", note: str = "",
                    now: datetime | None = None) -> Meeting:
    """After the slot, either side (or the team) says whether the meeting took place and what came of it."""
    now = now or timezone.now()
    if not permissions.can_record_outcome(actor, meeting):
        raise NotAllowed(_("Only the two participants and the cluster team record a meeting's outcome."))
    if meeting.slot.start > now:
        raise PartneringError(_("The meeting has not taken place yet."), "status")
    if outcome not in Meeting.Outcome.values:
        raise PartneringError(_("Outcome: choose one of the outcomes listed."), "outcome")
    note = _check_text(note, _("Note"), "note", NOTE_MAX, required=False)
    status = Meeting.Status.HELD if held else Meeting.Status.MISSED
    with transaction.atomic(durable=True):
        before = (meeting.status, meeting.outcome)
        Meeting.objects.filter(pk=meeting.pk).update(status=status, outcome=outcome if held else "",
                                                     outcome_note=note, outcome_at=now)
        meeting.status, meeting.outcome, meeting.outcome_note, meeting.outcome_at = (
            status, outcome if held else "", note, now)
        _audit(actor, "meeting.outcome", meeting, {"status": [before[0], status], "outcome": [before[1],
                                                                                               meeting.outcome]})
    return meeting


def meeting_open_lead(*, actor, meeting: Meeting) -> Meeting:
    """A held meeting opens a partnership lead between the two organizations (partnerships.services, its
    own transaction: counted once confirmed, as every member's record), then is linked to it."""
    from guichet.partnerships.services import PartnershipError, partnership_create

    if not permissions.can_record_outcome(actor, meeting):
        raise NotAllowed(_("Only the two participants and the cluster team record a meeting's outcome."))
    if meeting.status != Meeting.Status.HELD:
        raise PartneringError(_("Record first that the meeting took place."), "status")
    if meeting.partnership_id:
        raise PartneringError(_("This meeting already opened a partnership lead."), "partnership")
    sides = [meeting.request.requester.organization, meeting.request.recipient.organization]
    if None in sides or sides[0] == sides[1]:
        raise PartneringError(_("A partnership lead needs the two participants' organizations, distinct."),
                              "partnership")
    try:
        title = _("Lead from %(event)s: %(a)s × %(b)s") % {"event": meeting.event.title, "a": sides[0].name,
                                                            "b": sides[1].name}
        partnership = partnership_create(actor=actor, title=title[:200], type="rd_collaboration",
            parties=sides, value_eur=0, stage="lead", description=meeting.outcome_note)
    except PartnershipError as exc:
        raise PartneringError(str(exc), "partnership") from None
    return _outcome_link(actor, meeting, "partnership", partnership, Meeting.Outcome.PARTNERSHIP)


def _outcome_link(actor, meeting: Meeting, field: str, record, outcome: str) -> Meeting:
    """Link the meeting to what it opened (a partnership lead, a desk request), audited, in its own transaction
    (the record was written by its app's service, which owns its own)."""
    with transaction.atomic(durable=True):
        Meeting.objects.filter(pk=meeting.pk).update(**{field: record, "outcome": outcome})
        setattr(meeting, field, record)
        meeting.outcome = outcome
        _audit(actor, f"meeting.{field}", meeting, {field: [None, record.pk]})
    return meeting


def meeting_open_desk_request(*, actor, meeting: Meeting, text: str) -> Meeting:
    """A held meeting opens a desk request (a need the cluster's team routes), linked to the meeting."""
    from guichet.desk.services import DeskError, request_submit
    from guichet.matching.engine import QueryRefused

    if not permissions.is_side(actor, meeting):
        raise NotAllowed(_("Only the two participants open a desk request from their meeting."))
    if meeting.status != Meeting.Status.HELD:
        raise PartneringError(_("Record first that the meeting took place."), "status")
    try:
        request = request_submit(actor=actor, text=text)
    except (DeskError, QueryRefused) as exc:
        raise PartneringError(str(exc), "text") from None
    return _outcome_link(actor, meeting, "desk_request", request, Meeting.Outcome.DESK)
