"""Events (conferences, seminars, webinars, Partnering Days, site visits, trainings), their sessions,
registrations with a waitlist, and the training catalogue.

A session's seats are counted on the session itself (`seats_taken`, never above `capacity`: a CHECK
constraint): a registration takes a seat by compare-and-set on that counter, so of concurrent registrations
for the last seat exactly one wins, on SQLite and on PostgreSQL, and the others are waitlisted.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core.i18n import bilingual


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Room(models.Model):
    """A meeting room: a bookable resource of the bookings engine (its `Instrument`), with a seat count.
    A session held in a room books it through bookings.services, so rooms and instruments share the
    no-overlap rule (the exclusion constraint on PostgreSQL)."""

    resource = models.OneToOneField("platforms.Instrument", on_delete=models.PROTECT, related_name="room",
                                    verbose_name=_("bookable resource"))
    capacity = models.PositiveIntegerField(_("seats"))
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["resource__name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.CheckConstraint(condition=models.Q(capacity__gt=0), name="room_capacity_positive")]

    def __str__(self):
        return self.resource.name


class Course(models.Model):
    """A course of the training catalogue; its sessions are events of kind `training`."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=5000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    topic = models.CharField(_("topic"), max_length=80, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_for",
                                           verbose_name=_("prerequisites"))
    instrument = models.ForeignKey("platforms.Instrument", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="courses", verbose_name=_("instrument authorised"),
                                   help_text=_("Completing a session grants the training authorization "
                                               "for this instrument."))
    authorization_months = models.PositiveIntegerField(_("authorization valid for (months)"), null=True,
                                                       blank=True)

    class Meta:
        ordering = ["title_fr"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0, hours__lte=1000),
                                              name="course_hours_in_bounds")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self, "title")

    @property
    def description(self) -> str:
        return bilingual(self, "description")


class Event(models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        SEMINAR = "seminar", _("Seminar")
        WEBINAR = "webinar", _("Webinar")
        PARTNERING = "partnering", _("Partnering Day")
        SITE_VISIT = "site_visit", _("Site visit")
        TRAINING = "training", _("Training")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.TextField(_("summary (French)"), max_length=5000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=5000, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    organizer = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="events", verbose_name=_("organizer"))
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
                               verbose_name=_("course"))
    visitors_allowed = models.BooleanField(_("visitors may register"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [models.CheckConstraint(condition=~models.Q(kind="training") | models.Q(course__isnull=False),
                                              name="event_training_has_course")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self, "title")

    @property
    def summary(self) -> str:
        return bilingual(self, "summary")


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions",
                             verbose_name=_("room"))
    room_booking = models.OneToOneField("bookings.Booking", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="event_session", editable=False)
    capacity = models.PositiveIntegerField(_("seats"))
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="sessions_trained",
                                      verbose_name=_("trainers"))
    completed_at = models.DateTimeField(_("attendance closed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="session_start_before_end"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="session_capacity_positive"),
            # The seat counter the registrations race on: never more seats taken than there are.
            models.CheckConstraint(condition=models.Q(seats_taken__lte=models.F("capacity")),
                                   name="session_seats_within_capacity"),
        ]

    def __str__(self):
        return f"{self.event} · {self.title}"

    @property
    def title(self) -> str:
        return bilingual(self, "title")

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def hours(self):
        from decimal import Decimal

        return (Decimal((self.end - self.start).total_seconds()) / Decimal(3600)).quantize(Decimal("0.1"))


class Registration(models.Model):
    """One person's place in a session: a member (user) or a visitor (e-mail, confirmed by a link)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        CONFIRMED = "confirmed", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    LIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations",
                                verbose_name=_("session"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="registrations")
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    token = models.CharField(max_length=43, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The waiting list is served in this order (then by id).
    queued_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One live registration per person and session, whoever races.
            models.UniqueConstraint(fields=["session", "email"], condition=models.Q(
                status__in=["pending", "confirmed", "waitlisted"]), name="registration_one_live_per_email"),
            models.CheckConstraint(condition=models.Q(checked_in_at__isnull=True) | models.Q(status="confirmed"),
                                   name="registration_checked_in_is_confirmed"),
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"], name="registration_queue")]

    def __str__(self):
        return f"{self.full_name} · {self.session}"
