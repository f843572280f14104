"""How a login identifier and a client address are read, the same way by the login form, the lock-out
(django-axes) and the rate limits, so that no spelling or header gives anyone a fresh budget."""

import ipaddress

from django.conf import settings


def normalize_login(value) -> str:
    """E-mail logins are case-insensitive (the user manager looks them up with iexact), so the lock-out
    must count `member@x`, `MEMBER@X` and ` Member@x ` as one account."""
    return str(value or "").strip().lower()


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the identifier from the credentials (or the posted form), normalised."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(settings.AXES_USERNAME_FORM_FIELD)
    # None, not "": axes treats a missing username specially (no record keyed on nothing).
    return normalize_login(value) or None


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _address(text: str):
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(request) -> str | None:
    """The real client address: REMOTE_ADDR, unless that peer is one of GUICHET_TRUSTED_PROXIES; then
    X-Forwarded-For read from the right, skipping trusted proxies, and the first other hop is the client.

    django-ipware's trusted-proxy list is not used because it checks the hops *written in the header*
    and never the TCP peer, so a client that connects directly could forge them. Reading from the right
    means whatever a client puts at the left of the header is never believed.
    """
    peer = _address(request.META.get("REMOTE_ADDR", "") or "")
    trusted = _networks(settings.GUICHET_TRUSTED_PROXIES)
    if peer is None:
        return None

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted if address.version == network.version)

    if not is_trusted(peer):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            # A trusted proxy never writes garbage: it came from further left, so stop at the last good hop.
            break
        client = address
        if not is_trusted(address):
            break
    return str(client)
