"""What an identity provider asserted, and whether Guichet believes it: the one reading of a sign-in.

An address counts as verified when the provider says so (OpenID Connect's `email_verified`) or when the
provider is configured to vouch for its addresses (`trust_email` in its settings: a SAML federation's IdP
releases its own institution's `mail`). A provider that speaks for an organization never asserts an address
of another organization's domain. Either failing, the sign-in neither links to an existing account nor
creates one."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from guichet.directory.models import Organization

from .selectors import domain_of, organization_of_domain

# The research federations' attributes (eduPerson, inetOrgPerson), by their OIDs as SAML sends them.
EPPN = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
SCOPED_AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9"
FEDERATION_ATTRIBUTES = {
    "uid": [EPPN, "eduPersonPrincipalName"],
    "email": [MAIL, "mail"],
    "name": [DISPLAY_NAME, "displayName"],
    "eppn": [EPPN, "eduPersonPrincipalName"],
    "affiliation": [SCOPED_AFFILIATION, AFFILIATION, "eduPersonScopedAffiliation", "eduPersonAffiliation"],
}

REFUSED_NO_EMAIL = _("Your identity provider did not send an e-mail address.")
REFUSED_UNVERIFIED = _("Your identity provider has not verified this e-mail address, so Guichet cannot sign "
                       "you in with it. Sign in with your password, or ask your provider to verify the address.")
REFUSED_FOREIGN = _("This identity provider speaks for %(provider_org)s and may not sign in an address of "
                    "%(domain_org)s.")


@dataclass
class Assertion:
    email: str
    verified: bool
    provider_label: str
    provider_organization: Organization | None
    eppn: str = ""
    affiliation: str = ""
    name: str = ""


def app_of(sociallogin):
    return sociallogin.account.get_provider().app


def read(sociallogin) -> Assertion:
    app = app_of(sociallogin)
    settings = app.settings or {}
    addresses = list(sociallogin.email_addresses or [])
    email = (addresses[0].email if addresses else (sociallogin.user.email if sociallogin.user else "")) or ""
    email = email.strip().lower()
    verified = any(a.verified and a.email.lower() == email for a in addresses) or settings.get("trust_email") is True
    key = settings.get("guichet_organization")
    organization = Organization.objects.filter(key=key).first() if key else None
    extra = sociallogin.account.extra_data or {}

    def first(names):
        for name in names:
            value = extra.get(name)
            if isinstance(value, list) and value:
                return str(value[0])
            if isinstance(value, str) and value:
                return value
        return ""

    return Assertion(email=email, verified=verified, provider_label=app.name or app.provider_id or app.provider,
                     provider_organization=organization, eppn=first(FEDERATION_ATTRIBUTES["eppn"]),
                     affiliation=first(FEDERATION_ATTRIBUTES["affiliation"]),
                     name=first(FEDERATION_ATTRIBUTES["name"]) or str(extra.get("name") or ""))


def refusal(assertion: Assertion) -> str | None:
    """Why this assertion may not sign anyone in (translated), or None."""
    if not assertion.email or "@" not in assertion.email:
        return str(REFUSED_NO_EMAIL)
    if not assertion.verified:
        return str(REFUSED_UNVERIFIED)
    owner = organization_of_domain(domain_of(assertion.email))
    if assertion.provider_organization and owner and owner.pk != assertion.provider_organization.pk:
        return str(REFUSED_FOREIGN % {"provider_org": assertion.provider_organization.name,
                                      "domain_org": owner.name})
    return None


def proposed_organization(assertion: Assertion):
    """(organization, source) a first sign-in proposes: the e-mail's domain, else the provider's
    organization, else the scope of the eduPersonPrincipalName; (None, "") when none is known."""
    owner = organization_of_domain(domain_of(assertion.email))
    if owner:
        return owner, "domain"
    if assertion.provider_organization:
        return assertion.provider_organization, "provider"
    if "@" in assertion.eppn:
        scoped = organization_of_domain(domain_of(assertion.eppn))
        if scoped:
            return scoped, "scope"
    return None, ""
