"""The team's screens for rooms, courses, events and sessions: every save and delete through
events.services (audited; a session's room is held on the bookings engine). Registrations change only
through their own services (register, cancel, check in), on the event's pages."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ServiceBackedAdmin

from . import services
from .models import Course, Event, Room, Session


@admin.register(Room)
class RoomAdmin(ServiceBackedAdmin):
    list_display = ("__str__", "capacity", "address")
    autocomplete_fields = ("resource",)


@admin.register(Course)
class CourseAdmin(ServiceBackedAdmin):
    list_display = ("key", "title_fr", "hours", "instrument", "authorization_months")
    search_fields = ("key", "title_fr", "title_en")
    filter_horizontal = ("prerequisites",)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["key", "kind", "status", "title_fr", "title_en", "summary_fr", "summary_en", "venue", "online_url",
                  "organizer", "course", "visitors_allowed"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Event.Kind.TRAINING and not data.get("course"):
            self.add_error("course", _("A training names its course."))
        return data


@admin.register(Event)
class EventAdmin(ServiceBackedAdmin):
    form = EventForm
    list_display = ("key", "title_fr", "kind", "status")
    list_filter = ("kind", "status")
    search_fields = ("key", "title_fr", "title_en")
    save_service = services.event_save


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["event", "title_fr", "title_en", "start", "end", "room", "capacity", "trainers"]

    def clean(self):
        data = super().clean()
        probe = Session(pk=self.instance.pk, room_booking_id=self.instance.room_booking_id,
                        **{k: data.get(k) for k in ("event", "start", "end", "room", "capacity")})
        try:
            services.session_check(probe)
        except services.EventError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
        return data


@admin.register(Session)
class SessionAdmin(ServiceBackedAdmin):
    form = SessionForm
    list_display = ("__str__", "start", "room", "capacity", "seats_taken")
    list_filter = ("event",)
    filter_horizontal = ("trainers",)
    save_service = services.session_save
    delete_service = services.session_delete

    def has_delete_permission(self, request, obj=None):
        # A session people hold places in is not deleted from here: their registrations are cancelled first.
        if obj is not None and obj.registrations.filter(status__in=services.Registration.LIVE).exists():
            return False
        return super().has_delete_permission(request, obj)
