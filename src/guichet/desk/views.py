
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.accounts.identity import client_ip
from guichet.accounts.permissions import is_member
from guichet.core import exports
from guichet.core.actions import attempt, attempt_form
from guichet.matching import engine

from . import links, permissions, selectors, services
from .forms import CloseForm, MessageForm, RequestForm, RespondForm, RouteForm, VisitorRequestForm
from .models import Need, Status


def new_request(request):
    user = request.user
    form_class = RequestForm if user.is_authenticated else VisitorRequestForm
    form = form_class(request.POST or None, request.FILES or None)
    status, login_needed = 200, False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if user.is_authenticated:
                created = services.request_submit(actor=user, text=data["text"], title=data["title"],
                                                  confidential=data["confidential"], files=data["files"])
                messages.success(request, _("Your request is sent. The cluster team will answer by %(due)s.") % {
                    "due": created.first_response_due.strftime("%d/%m/%Y %H:%M")})
                return redirect("desk:detail", created.pk)
            services.visitor_request_start(email=data["email"], full_name=data["full_name"], text=data["text"],
                                           confidential=data["confidential"], client_address=client_ip(request))
            return render(request, "desk/check_email.html", {"email": data["email"]})
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except services.AccountExists as exc:
            form.add_error(None, str(exc))
            login_needed = True
        except (services.DeskError, engine.QueryRefused) as exc:
            form.add_error(None, str(exc))
    return render(request, "desk/new.html", {"form": form, "login_needed": login_needed}, status=status)


def suggest(request):
    """Who can answer, as the requester types (htmx)."""
    text = (request.GET.get("text") or "")[:engine.MAX_QUERY_LENGTH]
    try:
        results = engine.match(text, limit=8) if text.strip() else []
    except engine.QueryRefused:
        results = []
    # Only what passes the calibrated threshold is offered; below it the desk says so rather than pad.
    good = engine.good_matches(results)
    return render(request, "desk/_suggestions.html", {"results": good, "text": text})


@login_required
def request_list(request):
    user = request.user
    context = {
        "mine": Need.objects.filter(requester=user).exclude(status=Status.UNCONFIRMED),
        "routed": selectors.routed_to(user)[:100],
    }
    if permissions.can_manage_desk(user):
        status = request.GET.get("status", "")
        overdue = request.GET.get("overdue") == "1"
        context.update(inbox=selectors.inbox(status=status if status in Status.values else "", overdue=overdue)[:200],
                       statuses=[s for s in Status.choices if s[0] != Status.UNCONFIRMED], status=status,
                       overdue=overdue)
    elif is_member(user):
        context["open_needs"] = selectors.requests_visible_to(user).filter(
            confidential=False).exclude(requester=user)[:50]
    return render(request, "desk/list.html", context)


def _detail_context(request, desk_request, acting_user, token_mode=False):
    can_manage = permissions.can_manage_desk(acting_user)
    suggestions = []
    if can_manage and desk_request.status != Status.CLOSED:
        suggestions = engine.match(desk_request.text, limit=10)
    my_routings = [r for r in desk_request.routings.all() if permissions.can_respond(acting_user, r)]
    reach = selectors.reach_for_keys([s.key for s in suggestions]) if suggestions else {}
    return {
        "desk_request": desk_request,
        "can_manage": can_manage,
        "suggestions": [(s, reach.get(s.key)) for s in suggestions],
        "no_good_match": bool(suggestions) and not engine.good_matches(suggestions),
        "route_form": RouteForm(suggestions=suggestions),
        "my_routings": my_routings,
        "respond_form": RespondForm(),
        "message_form": MessageForm() if permissions.can_post_message(acting_user, desk_request) else None,
        "close_form": CloseForm() if can_manage and desk_request.status != Status.CLOSED else None,
        "can_withdraw": permissions.can_withdraw(acting_user, desk_request),
        "is_overdue": desk_request.is_overdue(),
        "token_mode": token_mode,
    }


@login_required
def request_detail(request, pk):
    desk_request = selectors.request_get(request.user, pk)
    return render(request, "desk/detail.html", _detail_context(request, desk_request, request.user))


def follow(request, token):
    """The requester's e-mailed link: signed, bound to them, expiring; a confidential request needs a login."""
    try:
        link = links.follow_resolve(token)
    except links.LinkExpired:
        return render(request, "desk/link_expired.html", {"days": settings.GUICHET_DESK_LINK_DAYS}, status=410)
    except links.LinkInvalid as exc:
        raise Http404 from exc
    desk_request, recipient = link.request, link.recipient
    if request.user.is_authenticated:
        # Bound to its recipient: in someone else's session the link never acts as them; it leads to the
        # request only if that person may see it with their own rights.
        if request.user.pk == recipient.pk or permissions.can_view_request(request.user, desk_request):
            return redirect("desk:detail", desk_request.pk)
        return render(request, "desk/link_not_yours.html", status=403)
    if desk_request.confidential:
        messages.info(request, _("This request is confidential: log in to read it. No password yet? "
                                 "Choose one with “Forgotten password”."))
        return redirect_to_login(reverse("desk:detail", args=[desk_request.pk]))
    if request.method == "POST":
        form = MessageForm(request.POST)
        if not form.is_valid():
            return redirect("desk:follow", token)
        return attempt(request, lambda: services.message_post(actor=recipient, request=desk_request,
                                                              body=form.cleaned_data["body"]),
                       "", redirect("desk:follow", token))
    desk_request = selectors.request_get(recipient, desk_request.pk)
    context = _detail_context(request, desk_request, recipient, token_mode=True)
    context["follow_token"] = token
    return render(request, "desk/detail.html", context)


def provider(request, routing_pk, token):
    """A routing's directory contact, without an account, reads it and answers through its e-mailed link.

    What it shows (links.provider_resolve binds the link to this routing and address): the need, its title and
    date, and this routing's own state and messages. Never the other providers routed to (competitors, often)
    nor their messages. The requester's name, organization and e-mail are shown only when the request is not
    confidential: a provider needs the need to answer, not who has it, and its answer reaches the requester
    through the desk anyway. The conversation shown is this routing's replies and the messages written to
    everyone (routing unset: the requester's and the cluster team's), the requester named only when the
    request is not confidential. Attachments stay behind a login (they are the requester's files)."""
    try:
        link = links.provider_resolve(routing_pk, token)
    except links.LinkExpired:
        return render(request, "desk/link_expired.html", {"days": settings.GUICHET_DESK_LINK_DAYS}, status=410)
    except links.LinkInvalid as exc:
        raise Http404 from exc
    routing = link.routing
    desk_request = routing.request

    def page(form):
        return render(request, "desk/provider.html", {
            "desk_request": desk_request, "routing": routing, "form": form, "token": token,
            "show_requester": not desk_request.confidential,
            "thread": selectors.provider_thread(routing),
            "can_answer": routing.state != routing.State.DECLINED and desk_request.status != Status.CLOSED,
        }, status=400 if request.method == "POST" else 200)

    if request.method != "POST":
        return page(RespondForm())
    return attempt_form(
        request, RespondForm(request.POST),
        lambda data: services.routing_respond_by_link(link=link, action=data["action"], message=data["message"]),
        _("Your reply is sent to the requester."), redirect("desk:provider", routing.pk, token), page)


@login_required
def reach(request, pk):
    """Who will be told, and how, for the keys typed in the "other providers" field (htmx, staff only)."""
    desk_request = selectors.request_get(request.user, pk)
    if not permissions.can_manage_desk(request.user):
        raise PermissionDenied
    keys = [k.strip() for k in (request.GET.get("other_keys") or "").split(",") if k.strip()][:20]
    found = selectors.reach_for_keys(keys)
    return render(request, "desk/_reach_list.html", {"desk_request": desk_request, "rows": [(k, found.get(k)) for k in keys]})


def confirm(request, token):
    """The visitor's e-mailed link: the request goes to the team, or the page that says why not (its own page,
    a 400: there is no page to come back to)."""
    def failed(exc):
        return render(request, "desk/confirm_failed.html", {
            "error": str(exc), "login_needed": isinstance(exc, services.AccountExists)}, status=400)

    return attempt(request, lambda: services.visitor_request_confirm(token=token),
                   _("Thank you: your request is sent to the cluster team."), None, refusals=(),
                   answers={services.DeskError: failed},
                   then=lambda desk_request: redirect(links.follow_path(desk_request, desk_request.requester)))


def _act(request, desk_request, action):
    """Run one desk action for the logged-in user on a request they may see, and come back to it."""
    return attempt(request, lambda: action(desk_request), "", redirect("desk:detail", desk_request.pk))


@login_required
@require_POST
def triage(request, pk):
    desk_request = selectors.request_get(request.user, pk)
    return _act(request, desk_request, lambda r: services.request_triage(actor=request.user, request=r,
                                                                         title=request.POST.get("title", "")))


@login_required
@require_POST
def route(request, pk):
    desk_request = selectors.request_get(request.user, pk)
    if not permissions.can_manage_desk(request.user):
        raise PermissionDenied
    suggestions = engine.match(desk_request.text, limit=10)
    form = RouteForm(request.POST, suggestions=suggestions)
    if not form.is_valid():
        return redirect("desk:detail", desk_request.pk)
    reasons = {s.key: s.reasons for s in suggestions}
    return attempt(request, lambda: services.request_route(actor=request.user, request=desk_request,
                                                           keys=form.all_keys(), reasons=reasons),
                   _("Request routed."), redirect("desk:detail", desk_request.pk))


@login_required
@require_POST
def respond(request, pk, routing_pk):
    desk_request = selectors.request_get(request.user, pk)
    routing = get_object_or_404(desk_request.routings, pk=routing_pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        return redirect("desk:detail", desk_request.pk)
    return attempt(request, lambda: services.routing_respond(actor=request.user, routing=routing,
                                                             action=form.cleaned_data["action"],
                                                             message=form.cleaned_data["message"]),
                   _("Your reply is sent to the requester."), redirect("desk:detail", desk_request.pk),
                   refusals=(services.DeskError,), forbidden=(services.NotAllowed,))


@login_required
@require_POST
def message(request, pk):
    desk_request = selectors.request_get(request.user, pk)  # 404 before anything is read of the form
    form = MessageForm(request.POST)
    if not form.is_valid():
        return redirect("desk:detail", pk)
    return _act(request, desk_request, lambda r: services.message_post(actor=request.user, request=r,
                                                                       body=form.cleaned_data["body"]))


@login_required
@require_POST
def close(request, pk):
    desk_request = selectors.request_get(request.user, pk)  # 404 before anything is read of the form
    if request.POST.get("outcome") == "withdrawn":
        return _act(request, desk_request, lambda r: services.request_close(actor=request.user, request=r,
                                                                            outcome="withdrawn"))
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return redirect("desk:detail", pk)
    data = form.cleaned_data
    return _act(request, desk_request, lambda r: services.request_close(
        actor=request.user, request=r, outcome=data["outcome"], note=data["note"], outcome_key=data["outcome_key"]))


def attachment(request, pk, attachment_pk):
    desk_request = Need.objects.filter(pk=pk).first()
    if desk_request is None:
        raise Http404
    allowed = permissions.can_view_request(request.user, desk_request)
    if not allowed and request.GET.get("t") and not request.user.is_authenticated:
        # The same rules as the page the link opens: this request, not confidential, not expired.
        try:
            link = links.follow_resolve(request.GET["t"])
        except links.LinkInvalid:
            link = None
        allowed = bool(link and link.request.pk == desk_request.pk and not desk_request.confidential)
    if not allowed:
        raise Http404
    item = get_object_or_404(desk_request.attachments, pk=attachment_pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@login_required
def export_csv(request):
    if not permissions.can_manage_desk(request.user):
        raise PermissionDenied
    columns = [("reference", _("Reference")), ("submitted", _("Submitted")), ("status", _("Status")),
               ("confidential", _("Confidential")), ("requester", _("Requester")),
               ("organization", _("Organization")), ("title", _("Title")),
               ("first_response_due", _("First response due")), ("first_response", _("First response")),
               ("overdue", _("Overdue")), ("outcome", _("Outcome")), ("outcome_key", _("Outcome key")),
               ("routed_to", _("Routed to"))]
    yes_no = {True: _("yes"), False: _("no")}
    rows = ([r.reference, r.created_at, r.get_status_display(), yes_no[r.confidential], r.requester.email,
             r.organization.key if r.organization else "", r.title, r.first_response_due, r.first_response_at,
             yes_no[r.is_overdue()], r.get_outcome_display(), r.outcome_key,
             " ".join(x.record_key for x in r.routings.all())]
            for r in selectors.inbox().prefetch_related("routings"))
    return exports.csv_response("guichet-desk.csv", columns, rows)
