"""Partnering Days: participants who say what they offer and seek, meeting requests, and meetings placed
in slots and at tables.

Nobody has two meetings at once, and nobody meets in a slot they marked unavailable, by the database:
every use of a participant's slot is one `SlotUse` row, unique per (participant, slot); a meeting writes
two of them (one per side), an unavailability one. A table holds one meeting per slot (unique on the
meeting). Both hold on SQLite and on PostgreSQL, whoever writes.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Participant(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="participants",
                              verbose_name=_("event"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnering")
    organization = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="partnering", verbose_name=_("organization"))
    person = models.ForeignKey("directory.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="partnering", verbose_name=_("directory record"))
    offers = models.TextField(_("what I offer"), max_length=2000)
    seeks = models.TextField(_("what I seek"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="participant_once_per_event")]

    def __str__(self):
        who = self.user.get_full_name()
        return f"{who} ({self.organization.name})" if self.organization_id else who


class Slot(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start"]
        constraints = [models.UniqueConstraint(fields=["event", "start"], name="slot_once_per_start"),
                       models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="slot_ordered")]

    def __str__(self):
        return f"{timezone.localtime(self.start):%H:%M}"


class Table(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveIntegerField(_("table"))

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="table_number_once")]

    def __str__(self):
        return str(self.number)


class MeetingRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_received")
    message = models.CharField(_("message"), max_length=500, blank=True)
    reasons = models.JSONField(default=list, blank=True)  # the matching engine's reasons, when suggested
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(requester=models.F("recipient")), name="request_not_to_self"),
            models.UniqueConstraint(fields=["requester", "recipient"], condition=models.Q(
                status__in=["requested", "accepted"]), name="request_once_live"),
        ]

    def __str__(self):
        return f"{self.requester} → {self.recipient}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        MISSED = "missed", _("Did not take place")

    class Outcome(models.TextChoices):
        NONE = "", _("Not recorded")
        NOTHING = "nothing", _("No follow-up")
        FOLLOW_UP = "follow_up", _("Follow-up planned")
        PARTNERSHIP = "partnership", _("Partnership lead opened")
        DESK = "desk", _("Desk request opened")

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="meetings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings")
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="meetings")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.CharField(_("note"), max_length=1000, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    partnership = models.ForeignKey("partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="meetings")
    desk_request = models.ForeignKey("desk.Need", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="meetings")

    class Meta:
        ordering = ["slot__start", "table__number"]
        constraints = [models.UniqueConstraint(fields=["slot", "table"], name="meeting_one_per_table_and_slot")]

    def __str__(self):
        return f"{self.request} @ {self.slot}"


class SlotUse(models.Model):
    """One participant's use of one slot: a meeting (one row per side) or an unavailability."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="slot_uses")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="uses")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="uses")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "slot"], name="one_use_per_participant_slot")]

    def __str__(self):
        return f"{self.participant} @ {self.slot}"
