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

from .models import Request, Status

SALT = "guichet.desk.follow"


class LinkInvalid(Exception):
    """Not a link we signed, or for a request or recipient that no longer holds."""


class LinkExpired(LinkInvalid):
    pass


@dataclass
class FollowLink:
    request: Request
    recipient: User


def _request_key(request: Request) -> str:
    # Binds the link to the request's own secret too: replacing access_token revokes every link sent.
    return hashlib.sha256(request.access_token.encode()).hexdigest()[:16]


def follow_token(request: Request, recipient: User) -> str:
    return signing.dumps({"r": request.pk, "u": recipient.pk, "k": _request_key(request)}, salt=SALT)


def follow_path(request: Request, recipient: User) -> str:
    return reverse("desk:follow", args=[follow_token(request, recipient)])


def follow_resolve(token: str) -> FollowLink:
    """The request and recipient of a link; LinkExpired or LinkInvalid otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.GUICHET_DESK_LINK_DAYS * 24 * 3600)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except (signing.BadSignature, ValueError) as exc:
        raise LinkInvalid from exc
    if not isinstance(data, dict):
        raise LinkInvalid
    request = (Request.objects.select_related("requester").filter(pk=data.get("r"))
               .exclude(status=Status.UNCONFIRMED).first())
    if request is None or data.get("k") != _request_key(request):
        raise LinkInvalid
    # Only the requester is sent these links; one mailed to a former requester (or a closed account) is dead.
    recipient = request.requester
    if data.get("u") != recipient.pk or not recipient.is_active:
        raise LinkInvalid
    return FollowLink(request=request, recipient=recipient)
