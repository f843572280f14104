"""A Partnering Day's pages: the participant's page (profile, availability, suggestions, requests, agenda),
their ICS, and the team's scheduler."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import params
from guichet.core.actions import attempt, form_errors_text
from guichet.events import selectors as event_selectors
from guichet.events.models import Event

from . import ics, permissions, selectors, services
from .forms import JoinForm, OutcomeForm
from .models import Meeting, MeetingRequest, Participant, Slot


def _event(request, key) -> Event:
    event = event_selectors.event_visible(user=request.user, key=key)
    if event is None or event.kind != Event.Kind.PARTNERING:
        raise Http404
    return event


def _me(request, event) -> Participant:
    me = selectors.participant_of(user=request.user, event=event)
    if me is None:
        raise Http404
    return me


def day(request, key):
    event = _event(request, key)
    me = selectors.participant_of(user=request.user, event=event)
    context = {"event": event, "me": me, "join_form": JoinForm(instance=me), "manager": permissions.can_manage(
        request.user), "figures": selectors.day_figures(event), "now": timezone.now(),
        "over": services.booking_over(event)}
    if me is not None:
        unavailable = set(me.slot_uses.filter(meeting__isnull=True).values_list("slot_id", flat=True))
        context.update({
            "suggestions": selectors.suggestions(me), "requests": selectors.requests_of(me),
            "agenda": list(selectors.agenda(me)), "slots": selectors.slots_of(event), "unavailable": unavailable,
            "others": selectors.participants(event).exclude(pk=me.pk), "outcome_form": OutcomeForm()})
    return render(request, "partnering/day.html", context)


def _back(key):
    return redirect("partnering:day", key)


@login_required
@require_POST
def join(request, key):
    event = _event(request, key)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back(key)
    return attempt(
        request,
        lambda: services.participant_join(actor=request.user, event=event, **form.cleaned_data),
        _("Your partnering profile is saved."),
        _back(key))


@login_required
@require_POST
def unavailable(request, key):
    event = _event(request, key)
    me = _me(request, event)
    try:
        ids = [int(v) for v in request.POST.getlist("slots")]
    except ValueError:
        raise params.BadParameter(_("Slots are given by their numbers."), "slots") from None
    return attempt(
        request,
        lambda: services.unavailability_set(actor=request.user, participant=me,
                                            slots=Slot.objects.filter(event=event, pk__in=ids)),
        _("Your availability is saved."),
        _back(key))


@login_required
@require_POST
def ask(request, key, pk):
    event = _event(request, key)
    me = _me(request, event)
    recipient = get_object_or_404(Participant, pk=pk, event=event)
    return attempt(
        request,
        lambda: services.request_create(actor=request.user, requester=me, recipient=recipient,
                                        message=request.POST.get("message", ""),
                                        reasons=request.POST.getlist("reason")),
        _("Meeting requested: %(name)s is told.") % {"name": recipient},
        _back(key))


@login_required
@require_POST
def answer(request, key, pk):
    event = _event(request, key)
    me = _me(request, event)
    meeting_request = get_object_or_404(MeetingRequest, pk=pk, event=event, recipient=me)
    decision = request.POST.get("accept")
    if decision not in ("1", "0"):
        raise params.BadParameter(_("Choose to accept (1) or decline (0) the request."), "accept")
    return attempt(
        request,
        lambda: services.request_answer(actor=request.user, request=meeting_request, accept=decision == "1"),
        _("Answer sent."),
        _back(key))


@login_required
@require_POST
def outcome(request, key, pk):
    event = _event(request, key)
    meeting = get_object_or_404(Meeting.objects.select_related("request__requester", "request__recipient", "slot"),
                                pk=pk, event=event)
    if not permissions.can_record_outcome(request.user, meeting):
        raise Http404
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the meeting took place."))
        return _back(key)
    data = form.cleaned_data

    def record():
        services.meeting_outcome(actor=request.user, meeting=meeting, held=data["held"], outcome=data["outcome"],
                                 note=data["note"])
        if data["held"] and data["outcome"] == Meeting.Outcome.PARTNERSHIP:
            services.meeting_open_lead(actor=request.user, meeting=meeting)
        elif data["held"] and data["outcome"] == Meeting.Outcome.DESK:
            services.meeting_open_desk_request(actor=request.user, meeting=meeting, text=data["note"])

    return attempt(request, record, _("Outcome recorded."), _back(key), refusals=(services.PartneringError,))


@login_required
def agenda_ics(request, key):
    event = _event(request, key)
    me = _me(request, event)
    body = ics.meetings_calendar(selectors.agenda(me), name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.key}-meetings.ics"'
    return response


@login_required
def schedule(request, key):
    event = _event(request, key)
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return attempt(
            request,
            lambda: services.schedule_run(actor=request.user, event=event),
            lambda result: _("%(placed)s of %(pending)s meetings placed (at most %(bound)s could be).")
            % {"placed": result["placed"], "pending": result["pending"], "bound": result["upper_bound"]},
            redirect("partnering:schedule", key))
    return render(request, "partnering/schedule.html", {
        "event": event, "figures": selectors.day_figures(event),
        "meetings": Meeting.objects.filter(event=event).select_related(
            "slot", "table", "request__requester__user", "request__recipient__user")})
