import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.matching import engine

from . import permissions, selectors, services
from .forms import CloseForm, MessageForm, RequestForm, RespondForm, RouteForm, VisitorRequestForm
from .models import Request, Status


def _error(request, exc):
    messages.error(request, str(exc))


def new_request(request):
    user = request.user
    form_class = RequestForm if user.is_authenticated else VisitorRequestForm
    form = form_class(request.POST or None, request.FILES or None)
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
                                           confidential=data["confidential"])
            return render(request, "desk/check_email.html", {"email": data["email"]})
        except (services.DeskError, engine.QueryRefused) as exc:
            form.add_error(None, str(exc))
    return render(request, "desk/new.html", {"form": form})


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
        "mine": Request.objects.filter(requester=user).exclude(status=Status.UNCONFIRMED),
        "routed": selectors.routed_to(user)[:100],
    }
    if permissions.can_manage_desk(user):
        status = request.GET.get("status", "")
        overdue = request.GET.get("overdue") == "1"
        context.update(inbox=selectors.inbox(status=status if status in Status.values else "", overdue=overdue)[:200],
                       statuses=[s for s in Status.choices if s[0] != Status.UNCONFIRMED], status=status,
                       overdue=overdue)
    elif permissions.is_member(user):
        context["open_needs"] = selectors.requests_visible_to(user).filter(
            confidential=False).exclude(requester=user)[:50]
    return render(request, "desk/list.html", context)


def _detail_context(request, desk_request, acting_user, token_mode=False):
    can_manage = permissions.can_manage_desk(acting_user)
    suggestions = []
    if can_manage and desk_request.status != Status.CLOSED:
        suggestions = engine.match(desk_request.text, limit=10)
    my_routings = [r for r in desk_request.routings.all() if permissions.can_respond(acting_user, r)]
    return {
        "r": desk_request,
        "can_manage": can_manage,
        "suggestions": suggestions,
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
    """The requester's own link (sent by e-mail): follow the request without logging in."""
    desk_request = Request.objects.filter(access_token=token).exclude(status=Status.UNCONFIRMED).first()
    if desk_request is None:
        raise Http404
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.message_post(actor=desk_request.requester, request=desk_request,
                                      body=form.cleaned_data["body"])
            except services.DeskError as exc:
                _error(request, exc)
        return redirect("desk:follow", token)
    desk_request = selectors.request_get(desk_request.requester, desk_request.pk)
    return render(request, "desk/detail.html", _detail_context(request, desk_request, desk_request.requester,
                                                                token_mode=True))


def confirm(request, token):
    try:
        desk_request = services.visitor_request_confirm(token=token)
    except services.DeskError as exc:
        return render(request, "desk/confirm_failed.html", {"error": str(exc)}, status=400)
    messages.success(request, _("Thank you: your request is sent to the cluster team."))
    return redirect("desk:follow", desk_request.access_token)


def _act(request, pk, action):
    """Run one desk action for the logged-in user and come back to the request."""
    desk_request = selectors.request_get(request.user, pk)
    try:
        action(desk_request)
    except services.DeskError as exc:
        _error(request, exc)
    return redirect("desk:detail", desk_request.pk)


@login_required
@require_POST
def triage(request, pk):
    return _act(request, pk, lambda r: services.request_triage(actor=request.user, request=r,
                                                               title=request.POST.get("title", "")))


@login_required
@require_POST
def route(request, pk):
    desk_request = selectors.request_get(request.user, pk)
    if not permissions.can_manage_desk(request.user):
        raise PermissionDenied
    suggestions = engine.match(desk_request.text, limit=10)
    form = RouteForm(request.POST, suggestions=suggestions)
    if form.is_valid():
        reasons = {s.key: s.reasons for s in suggestions}
        try:
            services.request_route(actor=request.user, request=desk_request, keys=form.all_keys(), reasons=reasons)
            messages.success(request, _("Request routed."))
        except services.DeskError as exc:
            _error(request, exc)
    return redirect("desk:detail", desk_request.pk)


@login_required
@require_POST
def respond(request, pk, routing_pk):
    desk_request = selectors.request_get(request.user, pk)
    routing = get_object_or_404(desk_request.routings, pk=routing_pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.routing_respond(actor=request.user, routing=routing, action=form.cleaned_data["action"],
                                     message=form.cleaned_data["message"])
            messages.success(request, _("Your reply is sent to the requester."))
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.DeskError as exc:
            _error(request, exc)
    return redirect("desk:detail", desk_request.pk)


@login_required
@require_POST
def message(request, pk):
    form = MessageForm(request.POST)
    if not form.is_valid():
        return redirect("desk:detail", pk)
    return _act(request, pk, lambda r: services.message_post(actor=request.user, request=r,
                                                             body=form.cleaned_data["body"]))


@login_required
@require_POST
def close(request, pk):
    if request.POST.get("outcome") == "withdrawn":
        return _act(request, pk, lambda r: services.request_close(actor=request.user, request=r,
                                                                  outcome="withdrawn"))
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return redirect("desk:detail", pk)
    data = form.cleaned_data
    return _act(request, pk, lambda r: services.request_close(actor=request.user, request=r, outcome=data["outcome"],
                                                              note=data["note"], outcome_key=data["outcome_key"]))


def attachment(request, pk, attachment_pk):
    token = request.GET.get("t", "")
    desk_request = Request.objects.filter(pk=pk).first()
    if desk_request is None:
        raise Http404
    allowed = (token and token == desk_request.access_token) or permissions.can_view_request(request.user,
                                                                                            desk_request)
    if not allowed:
        raise Http404
    item = get_object_or_404(desk_request.attachments, pk=attachment_pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@login_required
def export_csv(request):
    if not permissions.can_manage_desk(request.user):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="guichet-desk.csv"'
    writer = csv.writer(response)
    writer.writerow(["reference", "submitted", "status", "confidential", "requester", "organization", "title",
                     "first_response_due", "first_response", "overdue", "outcome", "outcome_key", "routed_to"])
    for r in selectors.inbox().prefetch_related("routings"):
        writer.writerow([r.reference, r.created_at.isoformat(), r.status, r.confidential, r.requester.email,
                         r.organization.key if r.organization else "", r.title,
                         r.first_response_due.isoformat() if r.first_response_due else "",
                         r.first_response_at.isoformat() if r.first_response_at else "", r.is_overdue(),
                         r.outcome, r.outcome_key, " ".join(x.record_key for x in r.routings.all())])
    return response
