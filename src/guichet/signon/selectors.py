"""Reads for single sign-on: whose a domain is, the requests a contact or staff member decides."""

from django.db.models import Q

from guichet.accounts.models import Membership

from .models import MembershipRequest, OrganizationDomain, SignOnPolicy


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def organization_of_domain(domain: str):
    """The organization owning `domain` or the nearest parent domain (lab.univ-amu.fr → univ-amu.fr)."""
    parts = domain.lower().split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    if not candidates:
        return None
    owned = {d.domain: d.organization for d in
             OrganizationDomain.objects.filter(domain__in=candidates).select_related("organization")}
    return next((owned[c] for c in candidates if c in owned), None)


def local_passwords_allowed(user) -> bool:
    """False when one of the user's organizations signs its people in through its identity provider only."""
    if not user or not getattr(user, "pk", None):
        return True
    org_ids = Membership.objects.filter(user=user).values("organization_id")
    return not SignOnPolicy.objects.filter(organization_id__in=org_ids, local_passwords=False).exists()


def requests_to_decide(user):
    """Pending requests the user may decide: staff all, an organization's contacts their organization's."""
    pending = MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING).select_related(
        "user", "organization")
    if user.is_staff:
        return pending
    contact_of = Membership.objects.filter(user=user, is_contact=True).values("organization_id")
    return pending.filter(Q(organization_id__in=contact_of))


def providers_offered(request) -> list[dict]:
    """The identity providers the login page offers: (name, the address its button posts to)."""
    from allauth.socialaccount.adapter import get_adapter

    next_url = request.GET.get("next") or ""
    offered = []
    for provider in get_adapter(request).list_providers(request):
        kwargs = {"process": "login"}
        if next_url:
            kwargs["next"] = next_url
        offered.append({"name": provider.name, "url": provider.get_login_url(request, **kwargs),
                        "id": provider.app.provider_id or provider.app.client_id})
    return sorted(offered, key=lambda p: p["name"].lower())


def provider_origins(request) -> list[str]:
    """The origins the identity providers' sign-in pages live at: a form posting to a provider's button is
    redirected there, and the Content-Security-Policy's form-action must allow it (the redirect counts)."""
    from urllib.parse import urlsplit

    from allauth.socialaccount.adapter import get_adapter

    origins = set()
    for provider in get_adapter(request).list_providers(request):
        settings = provider.app.settings or {}
        for url in (settings.get("server_url"), (settings.get("idp") or {}).get("sso_url"),
                    settings.get("authorization_url")):
            parts = urlsplit(url or "")
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)
