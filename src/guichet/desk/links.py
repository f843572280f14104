"""The desk's e-mailed links (`/desk/r/<token>/`): signed, bound to one recipient, and expiring.

The token carries the request and the recipient it was mailed to, signed with the project key and dated,
so it opens nothing after GUICHET_DESK_LINK_DAYS and nothing for anybody else. A confidential request is
never opened by a link alone: its reader must log in.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from guichet.accounts.models import User

from .models import Need, Routing, Status

SALT = "guichet.desk.follow"


class LinkInvalid(Exception):
    """Not a link we signed, or for a request or recipient that no longer holds."""


class LinkExpired(LinkInvalid):
    pass


@dataclass
class FollowLink:
    request: Need
    recipient: User


def _request_key(request: Need) -> str:
    # Binds the link to the request's own secret too: replacing access_token revokes every link sent.
    return hashlib.sha256(request.access_token.encode()).hexdigest()[:16]


def follow_token(request: Need, recipient: User) -> str:
    return signing.dumps({"r": request.pk, "u": recipient.pk, "k": _request_key(request)}, salt=SALT)


def follow_path(request: Need, recipient: User) -> str:
    return reverse("desk:follow", args=[follow_token(request, recipient)])


def _loads(token: str, salt: str):
    """A signed link's content, within GUICHET_DESK_LINK_DAYS; LinkExpired or LinkInvalid otherwise."""
    try:
        return signing.loads(token, salt=salt, max_age=settings.GUICHET_DESK_LINK_DAYS * 24 * 3600)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except (signing.BadSignature, ValueError) as exc:
        raise LinkInvalid from exc


def follow_resolve(token: str) -> FollowLink:
    """The request and recipient of a link; LinkExpired or LinkInvalid otherwise."""
    data = _loads(token, SALT)
    if not isinstance(data, dict):
        raise LinkInvalid
    request = (Need.objects.select_related("requester").filter(pk=data.get("r"))
               .exclude(status=Status.UNCONFIRMED).first())
    if request is None or data.get("k") != _request_key(request):
        raise LinkInvalid
    # Only the requester is sent these links; one mailed to a former requester (or a closed account) is dead.
    recipient = request.requester
    if data.get("u") != recipient.pk or not recipient.is_active:
        raise LinkInvalid
    return FollowLink(request=request, recipient=recipient)


# --- The provider's link: a routing answered without an account -------------------------------------------
#
# When no account answers for the provider, the routing is e-mailed to the directory's contact address
# (permissions.routing_reach). The link carries the routing, a digest of that address and of the request's
# secret, signed and dated: it opens this routing only, for as long as the routing is still addressed there
# (re-addressing it, or replacing the request's access_token, revokes it), and nothing after
# GUICHET_DESK_LINK_DAYS.

PROVIDER_SALT = "guichet.desk.provider"


@dataclass
class ProviderLink:
    routing: Routing
    email: str


def _address_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def provider_token(routing: Routing) -> str:
    return signing.dumps({"g": routing.pk, "e": _address_key(routing.contact_email),
                          "k": _request_key(routing.request)}, salt=PROVIDER_SALT)


def provider_path(routing: Routing) -> str:
    return reverse("desk:provider", args=[routing.pk, provider_token(routing)])


def provider_resolve(routing_pk: int, token: str) -> ProviderLink:
    """The routing a provider's link opens; LinkExpired or LinkInvalid (another routing's, tampered, re-addressed)."""
    data = _loads(token, PROVIDER_SALT)
    if not isinstance(data, dict) or data.get("g") != routing_pk:
        raise LinkInvalid
    routing = (Routing.objects.select_related("request", "provider_organization")
               .filter(pk=routing_pk).exclude(request__status=Status.UNCONFIRMED).first())
    if (routing is None or not routing.contact_email or data.get("e") != _address_key(routing.contact_email)
            or data.get("k") != _request_key(routing.request)):
        raise LinkInvalid
    return ProviderLink(routing=routing, email=routing.contact_email)
