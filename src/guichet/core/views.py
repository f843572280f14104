from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from guichet.directory.models import Organization, OrganizationKind, Person
from guichet.directory.permissions import can_browse_audit
from guichet.platforms.models import Platform, Service

from .audit_labels import action_choices, action_value_known
from .mail import outbox_problems
from .mail import outbox_resend as resend
from .models import AuditEvent, OutboxMessage
from .params import BadParameter, page_param
from .permissions import can_manage_outbox, can_read_outbox_bodies


def home(request):
    kinds = dict(OrganizationKind.choices)
    by_kind = [(kinds.get(row["kind"], row["kind"]), row["kind"], row["n"]) for row in
               Organization.objects.values("kind").annotate(n=Count("id")).order_by("-n")]
    return render(request, "core/home.html", {
        "counts": {"organizations": Organization.objects.count(), "people": Person.objects.count(),
                   "platforms": Platform.objects.count(), "services": Service.objects.count()},
        "by_kind": by_kind,
    })


def audit_log(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_browse_audit(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.all()
    entity = (request.GET.get("entity") or "").strip()[:120]
    actor = (request.GET.get("actor") or "").strip()[:254]
    action = _audit_action_param(request.GET)
    if entity:
        events = events.filter(entity_key=entity)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if action.endswith("."):
        events = events.filter(action__startswith=action)
    elif action:
        events = events.filter(action=action)
    page = page_param(request.GET, Paginator(events, 50))
    codes = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(request, "core/audit.html", {"page": page, "entity": entity, "actor": actor, "action": action,
                                               "action_choices": action_choices(codes, action)})


def _audit_action_param(query) -> str:
    """The audit page's `action`: a kind of record ("booking.") or one action ("booking.cancel"), as its select
    offers them; a code prefix typed by hand ("book") named nothing a reader was shown: the 400 naming it."""
    raw = (query.get("action") or "").strip()
    if raw and not (len(raw) <= 80 and action_value_known(raw)):
        raise BadParameter(_("Action: “%(value)s” is not one of the actions listed; choose one from the list.")
                           % {"value": raw[:40]}, "action")
    return raw


def accessibility(request):
    """The accessibility statement (déclaration d'accessibilité) required of public bodies by the RGAA."""
    return render(request, "core/accessibility.html")


def bad_request(request, exception=None):
    """The 400 page: says which parameter is wrong when Guichet knows (core.params), nothing internal else."""
    message = exception.message if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)


def outbox(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_manage_outbox(request.user):
        raise PermissionDenied
    readable = can_read_outbox_bodies(request.user)
    # In development (the demo) this is where one reads what was sent; in production, what needs a look.
    status = request.GET.get("status") or ("all" if readable else "problems")
    if status == "problems":
        messages_ = outbox_problems()
    elif status in OutboxMessage.Status.values:
        messages_ = OutboxMessage.objects.filter(status=status)
    else:
        status, messages_ = "all", OutboxMessage.objects.all()
    counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    page = Paginator(messages_.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    statuses = [(value, label, counts.get(value, 0)) for value, label in OutboxMessage.Status.choices]
    return render(request, "core/outbox.html", {"page": page, "status": status, "statuses": statuses,
                                                "readable": readable})


@require_safe
def outbox_message(request, pk):
    """One e-mail as its recipient gets it: headers, language, plain text and HTML (development only)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from .mail import message_language
    from .models import OutboxMessage
    from .permissions import can_manage_outbox, can_read_outbox_bodies

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_manage_outbox(request.user):
        raise PermissionDenied
    if not can_read_outbox_bodies(request.user):
        raise Http404  # production: bodies carry members' words and signed links; the list shows enough
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "core/outbox_message.html", {"outbox_message": message, "language": message_language(message)})


@require_POST
def outbox_resend(request, pk):
    if not can_manage_outbox(request.user):
        raise PermissionDenied
    message = resend(actor=request.user, message=get_object_or_404(OutboxMessage, pk=pk))
    messages.success(request, _("E-mail to %(to)s: %(status)s.") % {
        "to": ", ".join(message.to), "status": message.get_status_display()})
    return redirect("outbox")
