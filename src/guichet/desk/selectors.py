"""Desk reads, scoped to what the user may see."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.permissions import is_member, is_signed_in
from guichet.directory.kinds import records_of
from guichet.directory.models import Organization, Person, SearchEntry

from .models import OPEN_STATUSES, Message, Need, Routing, Status
from .permissions import can_view_request, provider_organization_ids, routing_reach


def requests_visible_to(user):
    if not is_signed_in(user):
        return Need.objects.none()
    qs = Need.objects.select_related("requester", "organization")
    if user.is_staff:
        return qs
    orgs = provider_organization_ids(user)
    visible = Q(requester=user) | Q(routings__assignee=user) | Q(routings__provider_organization__in=orgs)
    if is_member(user):
        visible |= Q(confidential=False, status__in=OPEN_STATUSES)
    return qs.filter(pk__in=Need.objects.filter(visible).values("pk"))


def request_get(user, pk: int) -> Need:
    """The request if the user may see it; 404 otherwise (not found and not allowed look the same)."""
    request = (Need.objects.select_related("requester", "organization")
               .prefetch_related(Prefetch("routings", queryset=Routing.objects.select_related("assignee")),
                                 "messages__author", "attachments", "history__actor")
               .filter(pk=pk).first())
    if request is None or not can_view_request(user, request):
        raise Http404
    return request


def routed_to(user):
    orgs = provider_organization_ids(user)
    return (Routing.objects.select_related("request").filter(Q(assignee=user) | Q(provider_organization__in=orgs))
            .exclude(request__status=Status.UNCONFIRMED))


def inbox(*, status: str = "", overdue: bool = False):
    qs = Need.objects.select_related("requester", "organization").exclude(status=Status.UNCONFIRMED)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(first_response_at__isnull=True, first_response_due__lt=timezone.now(),
                       status__in=OPEN_STATUSES)
    return qs


def provider_of(entry):
    """(organization, person) behind a directory search entry: who answers for a routing to it."""
    records = records_of([entry])
    if not records:
        return None, None
    record = records[0]
    if isinstance(record, Organization):
        return record, None
    if isinstance(record, Person):
        return record.organization, record
    if hasattr(record, "organization"):
        return record.organization, None
    return record.platform.organization, None


def reach_for_keys(keys):
    """{key: Reach} for the keys that name a directory record: what the request page shows before routing."""
    reach = {}
    for entry in SearchEntry.objects.filter(key__in=list(keys)):
        organization, person = provider_of(entry)
        reach[entry.key] = routing_reach(organization=organization, person=person)
    return reach


def provider_thread(routing):
    """The conversation a routing's directory contact reads: its own replies and the messages written to
    everyone (no routing), never another provider's. Each with `shown_author`: on a confidential request the
    requester is "the requester", never named."""
    request = routing.request
    thread = list(Message.objects.filter(request=request).filter(Q(routing=routing) | Q(routing__isnull=True))
                  .select_related("author").order_by("created_at", "id"))
    for message in thread:
        if message.author_id == request.requester_id and request.confidential:
            message.shown_author = _("The requester")
        elif message.author_id and message.author.is_staff and message.routing_id is None:
            message.shown_author = _("%(name)s (cluster team)") % {"name": message.author.get_full_name()}
        else:
            message.shown_author = message.author_display
    return thread
