"""Events pages: the public agenda, an event with its sessions, registration (member or visitor), the
ticket (QR code, ICS, cancel), the door (check-in from a phone), attendees and their exports for the team."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.accounts.identity import client_ip
from guichet.core import exports, params
from guichet.core.actions import attempt, form_errors_text

from . import ics, permissions, selectors, services
from .forms import AttendanceForm, VisitorForm
from .models import Course, Event, Registration, Session
from .qr import qr_svg

CODE_MAX = 400  # a scanned check-in address, or the code alone


def _event(request, key) -> Event:
    event = selectors.event_visible(user=request.user, key=key)
    if event is None:
        raise Http404
    return event


def _registration(token) -> Registration:
    registration = (Registration.objects.select_related("session__event", "session__room__resource", "user")
                    .filter(token=token).first())
    if registration is None:
        raise Http404
    return registration


def agenda(request):
    kind = request.GET.get("kind", "")
    if kind not in Event.Kind.values + [""]:
        raise params.BadParameter(_("Kind: choose one of the kinds of event listed."), "kind")
    return render(request, "events/agenda.html", {
        "upcoming": selectors.agenda(user=request.user, kind=kind),
        "past": selectors.agenda(user=request.user, past=True, kind=kind)[:30],
        "kinds": Event.Kind.choices, "kind": kind})


def detail(request, key):
    event = _event(request, key)
    sessions = list(selectors.sessions_of(event))
    for session in sessions:
        session.mine = selectors.live_registration(user=request.user, session=session)
    return render(request, "events/detail.html", {
        "event": event, "sessions": sessions, "visitor_form": VisitorForm(),
        "manager": permissions.can_manage_events(request.user)})


def event_ics(request, key):
    event = _event(request, key)
    body = ics.sessions_calendar(event.sessions.select_related("event", "room__resource"), name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.key}.ics"'
    return response


def _session(request, pk) -> Session:
    session = get_object_or_404(Session.objects.select_related("event__course"), pk=pk)
    if not permissions.can_see_event(request.user, session.event):
        raise Http404
    return session


@require_POST
def register(request, pk):
    """A logged-in person registers with their account; a visitor with the form (e-mail confirmation)."""
    session = _session(request, pk)
    back = reverse("events:detail", args=[session.event.key])
    if request.user.is_authenticated:
        return attempt(request, lambda: services.registration_create(actor=request.user, session=session), "", back,
                       refusals=(services.EventError,), then=_ticket)
    form = VisitorForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(back)
    return attempt(
        request, lambda: services.visitor_register_start(session=session, client_address=client_ip(request),
                                                         language=request.LANGUAGE_CODE, **form.cleaned_data),
        "", back, refusals=(services.EventError,),
        then=lambda _pending: render(request, "events/check_email.html", {"event": session.event,
                                                                           "email": form.cleaned_data["email"]}),
        answers={services.RateLimited: lambda exc: render(request, "events/check_email.html",
                                                          {"error": str(exc), "event": session.event}, status=429)})


def _ticket(registration):
    return redirect("events:ticket", registration.token)


def confirm(request, token):
    """The visitor's e-mailed link: a page with one button (a mail scanner's GET confirms nothing)."""
    registration = _registration(token)
    if request.method == "POST":
        return attempt(request, lambda: services.visitor_register_confirm(token=token), "",
                       redirect("events:detail", registration.session.event.key), refusals=(services.EventError,),
                       then=_ticket)
    if registration.status != Registration.Status.PENDING:
        return redirect("events:ticket", registration.token)
    return render(request, "events/confirm.html", {"registration": registration})


def ticket(request, token):
    """The confirmation: whoever holds the e-mailed link (its token is the secret) sees the place and its QR."""
    registration = _registration(token)
    checkin_url = f"{settings.SITE_URL.rstrip('/')}{reverse('events:checkin', args=[registration.token])}"
    qr = mark_safe(qr_svg(checkin_url)) if registration.status == Registration.Status.CONFIRMED else ""  # noqa: S308 — our own SVG, no user text
    return render(request, "events/ticket.html", {
        "registration": registration, "session": registration.session, "event": registration.session.event,
        "qr": qr, "checkin_url": checkin_url, "position": selectors.waitlist_position(registration),
        "can_cancel": registration.status in Registration.LIVE and registration.checked_in_at is None})


def ticket_ics(request, token):
    registration = _registration(token)
    body = ics.sessions_calendar([registration.session], name=registration.session.event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="session.ics"'
    return response


@require_POST
def ticket_cancel(request, token):
    registration = _registration(token)
    return attempt(
        request,
        lambda: services.registration_cancel(actor=request.user, registration=registration, by_token=True),
        _("Your registration is cancelled."),
        redirect("events:ticket", token))


@login_required
def mine(request):
    return render(request, "events/mine.html", {"registrations": selectors.registrations_of_user(request.user)})


@login_required
def checkin(request, token):
    """What the QR code opens on the door team's phone: who it is, and one button."""
    registration = _registration(token)
    if not permissions.can_check_in(request.user, registration.session):
        raise PermissionDenied
    if request.method == "POST":
        return attempt(
            request,
            lambda: services.check_in(actor=request.user, registration=registration),
            _("Checked in: %(name)s.") % {"name": registration.full_name},
            redirect("events:checkin", token))
    return render(request, "events/checkin.html", {"registration": registration,
                                                   "session": registration.session})


@login_required
def door(request, pk):
    """The phone page at the door: scan a ticket (camera where the browser can) or type its code."""
    session = _session(request, pk)
    if not permissions.can_check_in(request.user, session):
        raise PermissionDenied
    code = request.GET.get("code", "").strip()
    if message := params.text_error(code, max_length=CODE_MAX, label=_("Code")):
        raise params.BadParameter(message, "code")
    if code:
        token = code.rstrip("/").rsplit("/", 1)[-1]  # a scanned address or the code alone
        if Registration.objects.filter(token=token, session=session).exists():
            return redirect("events:checkin", token)
        messages.error(request, _("No ticket for this session has this code."))
    counts = {s: session.registrations.filter(status=s).count() for s in Registration.Status.values}
    checked = session.registrations.filter(checked_in_at__isnull=False).count()
    return render(request, "events/door.html", {"session": session, "counts": counts, "checked": checked})


@login_required
def attendees(request, key):
    event = _event(request, key)
    if not permissions.can_manage_events(request.user):
        raise PermissionDenied
    return render(request, "events/attendees.html", {"event": event, "rows": selectors.attendees(event),
                                                     "sessions": selectors.sessions_of(event)})


ATTENDEE_COLUMNS = [("session", "Session"), ("full_name", "Full name"), ("email", "E-mail"),
                    ("organization", "Organization"), ("status", "Status"), ("checked_in_at", "Checked in"),
                    ("attended", "Attended")]


def _attendee_columns():
    labels = [_("Session"), _("Full name"), _("E-mail"), _("Organization"), _("Status"), _("Checked in"),
              _("Attended")]
    return [(name, label) for (name, _en), label in zip(ATTENDEE_COLUMNS, labels, strict=True)]


def _attendee_rows(event):
    for r in selectors.attendees(event):
        yield [r.session.title, r.full_name, r.email, r.organization_name, r.get_status_display(),
               r.checked_in_at, r.attended]


@login_required
def attendees_export(request, key, fmt):
    event = _event(request, key)
    if not permissions.can_manage_events(request.user):
        raise PermissionDenied
    if fmt == "csv":
        return exports.csv_response(f"{event.key}-attendees.csv", _attendee_columns(), _attendee_rows(event))
    return exports.xlsx_response(f"{event.key}-attendees.xlsx", [exports.Sheet(
        title=_("Attendees"), columns=_attendee_columns(), rows=list(_attendee_rows(event)))])


# --- trainings -------------------------------------------------------------------------------------------

PAST_SESSIONS_PAGE = 25


def trainings(request):
    """The training catalogue: each course, its hours and prerequisites, its coming sessions; with
    `sessions=past`, the sessions held, the latest first, a page at a time (attendance figures to the team and
    each session's trainers)."""
    which = request.GET.get("sessions") or "coming"
    if which not in ("coming", "past"):
        raise params.BadParameter(_("Sessions: choose the coming ones or the past ones."), "sessions")
    if which == "coming":
        return render(request, "events/trainings.html", {"courses": selectors.catalogue(user=request.user),
                                                          "which": which})
    # Filters by course and year (issue 16): select boxes; a value they do not offer is the 400 naming it.
    courses = list(Course.objects.order_by("title_fr", "id"))
    course = params.choice_param(request.GET, "course", {c.key for c in courses}, label=_("Course"))
    year = params.year_param(request.GET, "year", label=_("Year"))
    page = params.page_param(request.GET, Paginator(
        selectors.past_training_sessions(user=request.user, course=course, year=year), PAST_SESSIONS_PAGE))
    for session in page.object_list:
        session.figures = permissions.can_see_attendance_figures(request.user, session)
    years = selectors.past_training_years(user=request.user)
    return render(request, "events/trainings.html", {
        "page": page, "which": which, "query": request.GET, "courses": sorted(courses, key=lambda c: c.title),
        "course": course or "", "years": years if year is None or year in years else sorted([*years, year],
                                                                                            reverse=True),
        "year": year})


@login_required
def attendance(request, pk):
    """The trainer (or the team) closes a session's attendance; those checked in at the door come ticked."""
    session = _session(request, pk)
    if not permissions.can_record_attendance(request.user, session):
        raise PermissionDenied
    registrations = list(session.registrations.filter(status=Registration.Status.CONFIRMED).order_by("full_name"))
    form = AttendanceForm(request.POST or None, registrations=registrations,
                          initial={"attended": [str(r.pk) for r in registrations if r.checked_in_at or r.attended]})

    def page():
        return render(request, "events/attendance.html", {"session": session, "form": form,
                                                          "registrations": registrations})

    if request.method == "POST" and form.is_valid():
        return attempt(
            request, lambda: services.attendance_close(actor=request.user, session=session,
                                                       attended_ids=form.cleaned_data["attended"]),
            _("Attendance recorded."), page, refusals=(services.EventError,),
            then=lambda _done: redirect("events:attendance", pk))
    return page()


def certificate(request, token):
    """The attendance certificate of a training (PDF), for whoever holds the ticket's link."""
    from .certificates import certificate_pdf

    registration = _registration(token)
    session = registration.session
    if not (registration.attended and session.completed_at and session.event.course_id):
        raise Http404
    response = HttpResponse(certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{registration.pk}.pdf"'
    return response
