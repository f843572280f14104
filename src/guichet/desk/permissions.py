"""Who may see and do what on the desk. Pages, API, search and e-mails all ask these."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from guichet.accounts.models import Membership, Role
from guichet.accounts.permissions import is_member, is_signed_in

from .models import OPEN_STATUSES, Need, Routing, Status


def answering_memberships():
    """The memberships that answer for an organization: its contacts, and platform managers who belong to it.

    The one statement of the rule, read from both sides: which organizations a user answers for, and which
    users answer for an organization.
    """
    return Membership.objects.filter(Q(is_contact=True) | Q(user__role=Role.PLATFORM_MANAGER))


@dataclass
class Reach:
    """Who is told of a routing, and how: the accounts that answer for the provider, or else the directory's
    contact address (answered by a signed link, without an account), or nobody."""

    accounts: list = field(default_factory=list)
    organization: object = None
    email: str = ""
    contact_name: str = ""
    language: str = ""

    @property
    def how(self) -> str:
        return "accounts" if self.accounts else "directory" if self.email else "nobody"

    @property
    def reachable(self) -> bool:
        return self.how != "nobody"


def _directory_contact(organization, person):
    """The directory's address for a provider: the person routed to, else the organization's first person
    with an address (by key: stable, and what the cluster team sees in the directory)."""
    if person is not None and person.email:
        return person
    if organization is None:
        return None
    return organization.people.exclude(email="").order_by("key").first()


def routing_reach(*, organization, person=None, assignee=None) -> Reach:
    """The one statement of who is told for a routing to `organization` (or to `person` of it).

    Accounts first: the active users of answering_memberships() for the organization, and the assignee. Only
    when there is none, the directory contact's e-mail, in the language of its directory record (the language
    its text is written in is the best guess of what its reader reads; the site's default otherwise).
    The preview on the request page, the routing e-mails and the provider links all read this.
    """
    accounts = []
    if organization is not None:
        accounts = [m.user for m in answering_memberships().filter(
            organization=organization, user__is_active=True).select_related("user").order_by("user__email")]
    if assignee is not None and assignee.is_active and assignee not in accounts:
        accounts.append(assignee)
    if accounts:
        return Reach(accounts=accounts, organization=organization)
    contact = _directory_contact(organization, person)
    if contact is None:
        return Reach(organization=organization)
    language = contact.lang or (organization.lang if organization else "") or settings.LANGUAGE_CODE
    return Reach(organization=organization, email=contact.email, contact_name=contact.name, language=language)


def provider_organization_ids(user) -> set[int]:
    """Organizations the user answers for."""
    if not user or not user.is_authenticated:
        return set()
    return set(answering_memberships().filter(user=user).values_list("organization_id", flat=True))


def can_respond(user, routing: Routing) -> bool:
    if not is_signed_in(user):
        return False
    return routing.assignee_id == user.pk or (
        routing.provider_organization_id is not None
        and routing.provider_organization_id in provider_organization_ids(user))


def is_provider_for(user, request: Need) -> bool:
    return any(can_respond(user, r) for r in request.routings.all())


def can_view_request(user, request: Need) -> bool:
    if not is_signed_in(user):
        return False
    if user.is_staff or request.requester_id == user.pk or is_provider_for(user, request):
        return True
    # An open, non-confidential need is visible to the network's members, who may offer to help.
    return not request.confidential and is_member(user) and request.status in OPEN_STATUSES


def can_submit_request(user) -> bool:
    return is_signed_in(user)


def can_manage_desk(user) -> bool:
    """Triage, route and close: the cluster team."""
    return bool(user and user.is_authenticated and user.is_staff)


def can_post_message(user, request: Need) -> bool:
    if request.status in (Status.CLOSED, Status.UNCONFIRMED):
        return False
    return bool(user and user.is_authenticated and (
        user.is_staff or request.requester_id == user.pk or is_provider_for(user, request)))


def can_withdraw(user, request: Need) -> bool:
    return bool(user and user.is_authenticated and request.requester_id == user.pk
                and request.status in (Status.NEW, Status.TRIAGED, Status.ROUTED, Status.ANSWERED))
