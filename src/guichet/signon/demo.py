"""Demo single sign-on: the e-mail domains of the fictional lab and start-up (so a first sign-in proposes
its organization), and one OpenID Connect provider clearly marked as an example, pointing at a provider
on this machine (settings.GUICHET_DEMO_OIDC_ISSUER, where `make demo-idp` starts panva's oidc-provider).
Nothing listens there in a plain demo: its button leads to the page saying the provider cannot be reached."""

from django.conf import settings

from guichet.accounts.models import User
from guichet.core.services import record_save
from guichet.directory.models import Organization

from .models import OrganizationDomain
from .services import oidc_provider_save

DEMO_DOMAINS = (("labo-exemple.example", "labo-exemple"), ("vhh-therapeutics.example", "startup-exemple"))
DEMO_OIDC = {"provider_id": "exemple-oidc", "name": "Labo exemple — OIDC (exemple fictif)",
             "client_id": "guichet-demo", "secret": "demo-secret-not-real"}
# Who the demo provider (`make demo-idp`) knows: a researcher of the fictional lab new to Guichet, whose address
# it verified, and one whose address it did not verify (refused, as any provider's unverified address).
DEMO_OIDC_ACCOUNTS = {
    "chercheuse": {"email": "chercheuse@labo-exemple.example", "email_verified": True,
                   "name": "Chercheuse Exemple (fictive)"},
    "non-verifiee": {"email": "non-verifiee@labo-exemple.example", "email_verified": False,
                     "name": "Adresse non vérifiée (fictive)"},
}


def load_demo_signon() -> int:
    """Returns the number of domains created (none when the demo was loaded before)."""
    if OrganizationDomain.objects.exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    for domain, key in DEMO_DOMAINS:
        record_save(actor=staff, record=OrganizationDomain(domain=domain, organization=Organization.objects.get(
            key=key)), is_new=True)
    # trust_email off: even the demo's provider links no account by an address it merely asserts.
    oidc_provider_save(actor=staff, organization=Organization.objects.get(key="labo-exemple"), trust_email=False,
                       issuer=settings.GUICHET_DEMO_OIDC_ISSUER, **DEMO_OIDC)
    return len(DEMO_DOMAINS)
