"""Single sign-on writes: accounts a first sign-in creates, the memberships it proposes and their decision,
refused sign-ins, identity providers imported from SAML metadata. Each is audited in its transaction."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.models import Membership, Role, User
from guichet.accounts.services import membership_add, user_role_change
from guichet.core.audit import audit_record
from guichet.core.mail import notify

from .identity import FEDERATION_ATTRIBUTES, Assertion, proposed_organization
from .models import MembershipRequest


class SignOnError(Exception):
    """A refused sign-on action, with a translated message naming the field."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _deciders(organization):
    contacts = [m.user for m in Membership.objects.filter(organization=organization, is_contact=True,
                                                          user__is_active=True).select_related("user")]
    return contacts or list(User.objects.filter(is_active=True, role__in=[Role.STAFF, Role.ADMIN]))


def sso_account_created(*, user: User, assertion: Assertion) -> MembershipRequest | None:
    """A first sign-in made this account (inside the sign-in's transaction): audit it and propose the
    organization, whose contacts (else the cluster team) are asked by e-mail to confirm."""
    audit_record(actor=user, action="user.create_by_sso", entity_type="user", entity_key=user.email,
                 entity_label=str(user), changes={"provider": [None, assertion.provider_label],
                                                  "role": [None, user.role]})
    organization, source = proposed_organization(assertion)
    if organization is None:
        return None
    return membership_request_create(user=user, organization=organization, source=source,
                                     affiliation=assertion.affiliation, provider=assertion.provider_label)


def membership_request_create(*, user, organization, source, affiliation="", provider="") -> MembershipRequest:
    with transaction.atomic():
        if Membership.objects.filter(user=user, organization=organization).exists():
            return None
        request, created = MembershipRequest.objects.get_or_create(
            user=user, organization=organization, status=MembershipRequest.Status.PENDING,
            defaults={"source": source, "affiliation": affiliation[:200], "provider": provider[:200]})
        if created:
            audit_record(actor=user, action="membership_request.create", entity_type="membership_request",
                         entity_key=str(request.pk), entity_label=str(request),
                         changes={"organization": [None, organization.key], "source": [None, source],
                                  "affiliation": [None, affiliation or None]})
            notify(_deciders(organization), "signon_membership_request", {"request": request})
    return request


def membership_request_decide(*, actor, request: MembershipRequest, accept: bool) -> MembershipRequest:
    """Confirm (the membership is made; a guest becomes a member) or refuse, once: the first decision wins."""
    from .permissions import can_decide_membership_request

    if not can_decide_membership_request(actor, request):
        raise SignOnError(_("Only the organization's contacts and the cluster team decide this request."))
    status = MembershipRequest.Status.ACCEPTED if accept else MembershipRequest.Status.REFUSED
    with transaction.atomic(durable=True):
        updated = MembershipRequest.objects.filter(pk=request.pk, status=MembershipRequest.Status.PENDING).update(
            status=status, decided_by=actor, decided_at=timezone.now())
        if not updated:
            raise SignOnError(_("This request was already decided."))
        request.refresh_from_db()
        audit_record(actor=actor, action="membership_request.decide", entity_type="membership_request",
                     entity_key=str(request.pk), entity_label=str(request),
                     changes={"status": [MembershipRequest.Status.PENDING, status]})
        if accept:
            membership_add(actor=actor, user=request.user, organization=request.organization)
            if request.user.role == Role.GUEST:
                user_role_change(actor=actor, user=request.user, role=Role.MEMBER)
        notify([request.user], "signon_membership_decided", {"request": request, "accepted": accept})
    return request


def sso_link(*, user: User, assertion: Assertion) -> None:
    """A provider's sign-in connected to an existing account by the address it verified."""
    with transaction.atomic():
        audit_record(actor=user, action="user.sso_link", entity_type="user", entity_key=user.email,
                     entity_label=str(user), changes={"provider": [None, assertion.provider_label]})


def sso_refused(*, assertion: Assertion, reason: str) -> None:
    """A refused sign-in leaves a trace for the cluster team (no account is touched)."""
    with transaction.atomic():
        audit_record(actor=None, action="signon.refused", entity_type="signon", entity_key=assertion.email or "-",
                     entity_label=assertion.provider_label,
                     changes={"verified": [None, assertion.verified], "reason": [None, reason]})


def saml_idp_settings(metadata_xml: str, base: dict | None = None) -> dict:
    """allauth's settings of a SAML identity provider read from its metadata (a federation's file or the IdP's
    own): entity id, sign-in and sign-out addresses and signing certificate; nothing is fetched later."""
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(metadata_xml)
    except Exception:  # the parser raises bare Exceptions and lxml errors alike
        raise SignOnError(_("SAML metadata: not a readable metadata document."), field="metadata") from None
    idp = parsed.get("idp") or {}
    if not idp.get("entityId") or not (idp.get("singleSignOnService") or {}).get("url"):
        raise SignOnError(_("SAML metadata: no identity provider with a sign-in address in this document."),
                          field="metadata")
    cert = idp.get("x509cert") or ((idp.get("x509certMulti") or {}).get("signing") or [None])[0]
    if not cert:
        raise SignOnError(_("SAML metadata: the identity provider's signing certificate is missing."),
                          field="metadata")
    settings = dict(base or {})
    settings["idp"] = {"entity_id": idp["entityId"], "sso_url": idp["singleSignOnService"]["url"],
                       "slo_url": (idp.get("singleLogoutService") or {}).get("url") or "", "x509cert": cert}
    settings.setdefault("attribute_mapping", FEDERATION_ATTRIBUTES)
    settings.setdefault("advanced", {"want_assertion_signed": True, "reject_idp_initiated_sso": True})
    return settings


def saml_idp_import(*, actor, slug: str, name: str, metadata_xml: str, organization=None,
                    trust_email: bool = True):
    """An identity provider from its SAML metadata, speaking for `organization` (its domains only)."""
    from allauth.socialaccount.models import SocialApp

    slug = (slug or "").strip()
    if not slug or not slug.replace("-", "").isalnum():
        raise SignOnError(_("Short name: letters, digits and hyphens only."), field="slug")
    settings = saml_idp_settings(metadata_xml, {"guichet_organization": organization.key if organization else "",
                                                "trust_email": trust_email})
    with transaction.atomic():
        app, _created = SocialApp.objects.update_or_create(
            provider="saml", client_id=slug, defaults={"name": name or slug, "provider_id": slug,
                                                       "settings": settings})
        audit_record(actor=actor, action="signon.saml_import", entity_type="socialapp", entity_key=slug,
                     entity_label=app.name, changes={"entity_id": [None, settings["idp"]["entity_id"]],
                                                     "organization": [None, settings["guichet_organization"] or None]})
    return app


def oidc_provider_save(*, actor, provider_id: str, name: str, issuer: str, client_id: str, secret: str,
                       organization=None, trust_email: bool = False, hidden: bool = False):
    """An OpenID Connect provider (its discovery document is read at the issuer's address); a `hidden` one is
    kept but not offered on the login page (allauth's `hidden` setting: the demo's example, a provider paused)."""
    from allauth.socialaccount.models import SocialApp

    with transaction.atomic():
        app, _created = SocialApp.objects.update_or_create(
            provider="openid_connect", provider_id=provider_id,
            defaults={"name": name, "client_id": client_id, "secret": secret,
                      "settings": {"server_url": issuer, "guichet_organization": organization.key if organization else "",
                                   "trust_email": trust_email, **({"hidden": True} if hidden else {})}})
        audit_record(actor=actor, action="signon.oidc_save", entity_type="socialapp", entity_key=provider_id,
                     entity_label=name, changes={"server_url": [None, issuer], "hidden": [None, hidden]})
    return app


def second_factor_changed(*, user, action: str, kind: str) -> None:
    """A TOTP or recovery codes added, removed or reset (allauth's own pages): audited."""
    with transaction.atomic():
        audit_record(actor=user, action=f"mfa.{action}", entity_type="user", entity_key=user.email,
                     entity_label=str(user), changes={"authenticator": [None, kind]})
