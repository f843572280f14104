"""Single sign-on in Chromium against real identity providers running here: panva's OpenID Connect provider
(npm `oidc-provider`, run by node) and pysaml2's SAML 2.0 IdP. A first sign-in creates the account and asks
the organization's contact to confirm the membership; a verified address links to an existing account; an
unverified one, or one of another organization's domain, is refused and links nothing."""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session

from guichet.accounts.models import Membership, Role, User
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.directory.models import Organization
from guichet.signon import services
from guichet.signon.models import MembershipRequest, OrganizationDomain

from ..conftest import make_user
from .idp.servers import SamlIdp, oidc_provider

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OIDC_SECRET = "client-secret-for-the-test-only"
OIDC_ACCOUNTS = {
    "alice": {"email": "alice@univ-amu.fr", "email_verified": True, "name": "Alice Martin"},
    "existing": {"email": "existing@univ-amu.fr", "email_verified": True, "name": "Existing Member"},
    # Claims the address of an existing account without having verified it.
    "mallory": {"email": "existing@univ-amu.fr", "email_verified": False, "name": "Mallory"},
    # A real address of the hospital, but the university's provider may not speak for it.
    "intruder": {"email": "chief@ap-hm.fr", "email_verified": True, "name": "Intruder"},
}


@pytest.fixture
def world(transactional_db):
    univ = Organization.objects.create(key="amu", name="Aix-Marseille Université", kind="university")
    hospital = Organization.objects.create(key="aphm", name="AP-HM", kind="hospital")
    OrganizationDomain.objects.create(organization=univ, domain="univ-amu.fr")
    OrganizationDomain.objects.create(organization=hospital, domain="ap-hm.fr")
    contact = make_user("contact@univ-amu.fr", Role.MEMBER)
    contact.language = "en"
    contact.save()
    Membership.objects.create(user=contact, organization=univ, is_contact=True)
    existing = make_user("existing@univ-amu.fr", Role.MEMBER)
    chief = make_user("chief@ap-hm.fr", Role.MEMBER)
    return {"univ": univ, "hospital": hospital, "contact": contact, "existing": existing, "chief": chief}


def _oidc_client(live_server, provider_id):
    return {"client_id": "guichet", "client_secret": OIDC_SECRET, "grant_types": ["authorization_code"],
            "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic",
            "redirect_uris": [f"{live_server.url}/accounts/sso/oidc/{provider_id}/login/callback/"]}


def _logged_in_email(page):
    """The account the browser's session belongs to, read from the session store (None: logged out)."""
    cookie = next((c for c in page.context.cookies() if c["name"] == "sessionid"), None)
    if not cookie:
        return None
    session = Session.objects.filter(session_key=cookie["value"]).first()
    user_id = session.get_decoded().get(SESSION_KEY) if session else None
    return User.objects.get(pk=user_id).email if user_id else None


def _oidc_sign_in(browser, live_server, login):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(live_server.url + "/accounts/login/")
    page.click("button[data-provider=amu-oidc]")
    # oidc-provider's own pages: its login form, then its consent prompt.
    page.wait_for_load_state()
    assert page.locator("input[name=login]").count(), (page.url, page.content()[:3000])
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "anything")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(live_server.url) or "/interaction/" in url)
    if "/interaction/" in page.url:
        page.click("button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(live_server.url))
    page.wait_for_load_state()
    return page


def test_openid_connect_sign_in_creates_links_and_refuses(browser, live_server, world):
    with oidc_provider(clients=[_oidc_client(live_server, "amu-oidc")], accounts=OIDC_ACCOUNTS) as issuer:
        services.oidc_provider_save(actor=None, provider_id="amu-oidc", name="AMU (OpenID Connect)",
                                    issuer=issuer, client_id="guichet", secret=OIDC_SECRET,
                                    organization=world["univ"])

        # A first sign-in: the account is made (a visitor's until confirmed), the university proposed from the
        # e-mail's domain, and its contact asked by e-mail, in the contact's language (English).
        page = _oidc_sign_in(browser, live_server, "alice")
        assert page.url == live_server.url + "/"
        assert _logged_in_email(page) == "alice@univ-amu.fr"
        alice = User.objects.get(email="alice@univ-amu.fr")
        assert (alice.full_name, alice.role, alice.has_usable_password()) == ("Alice Martin", Role.GUEST, False)
        assert SocialAccount.objects.get(user=alice).provider == "amu-oidc"
        request = MembershipRequest.objects.get(user=alice)
        assert (request.organization, request.source, request.status) == (world["univ"], "domain", "pending")
        mail = OutboxMessage.objects.get(template="signon_membership_request")
        assert mail.to == ["contact@univ-amu.fr"] and mail.headers["Content-Language"] == "en"
        assert "Aix-Marseille Université" in mail.subject and "alice@univ-amu.fr" in mail.body
        assert "/accounts/sso/memberships/" in mail.body
        assert AuditEvent.objects.filter(action="user.create_by_sso", entity_key="alice@univ-amu.fr").exists()

        # Sign-out is clean: the session is gone on the server, the next page asks to log in.
        page.goto(live_server.url + "/accounts/me/")
        page.locator("form[action='/accounts/logout/']").evaluate("form => form.requestSubmit()")  # the menu's button
        page.wait_for_url(live_server.url + "/")
        assert _logged_in_email(page) is None
        page.goto(live_server.url + "/accounts/me/")
        assert "/accounts/login/" in page.url
        page.context.close()

        # A verified address of an existing account signs into that account and connects the provider to it;
        # its local password still works.
        page = _oidc_sign_in(browser, live_server, "existing")
        assert _logged_in_email(page) == "existing@univ-amu.fr"
        existing = User.objects.get(email="existing@univ-amu.fr")
        assert SocialAccount.objects.get(provider="amu-oidc", uid="existing").user == existing
        assert existing.check_password("correct-horse-battery")
        assert AuditEvent.objects.filter(action="user.sso_link", entity_key="existing@univ-amu.fr").exists()
        page.context.close()

        # The same address, not verified by the provider: refused, nothing linked, nobody logged in.
        page = _oidc_sign_in(browser, live_server, "mallory")
        assert "Connexion refusée" in page.content() and "pas vérifié" in page.content()
        assert _logged_in_email(page) is None
        assert not SocialAccount.objects.filter(uid="mallory").exists()
        assert SocialAccount.objects.filter(user=existing).count() == 1
        page.context.close()

        # The university's provider asserting a hospital address: refused, the hospital's account untouched.
        page = _oidc_sign_in(browser, live_server, "intruder")
        assert "AP-HM" in page.content() and _logged_in_email(page) is None
        assert not SocialAccount.objects.filter(user=world["chief"]).exists()
        assert not SocialAccount.objects.filter(uid="intruder").exists()
        assert AuditEvent.objects.filter(action="signon.refused").count() == 2
        page.context.close()


SAML_USERS = {
    "bob": {"eduPersonPrincipalName": ["bob@univ-amu.fr"], "mail": ["bob@univ-amu.fr"],
            "displayName": ["Bob Dupont"], "eduPersonScopedAffiliation": ["member@univ-amu.fr"]},
    # The university's IdP releasing a hospital address: never signs anyone in.
    "eve": {"eduPersonPrincipalName": ["eve@univ-amu.fr"], "mail": ["chief@ap-hm.fr"], "displayName": ["Eve"],
            "eduPersonScopedAffiliation": ["staff@univ-amu.fr"]},
}


def _saml_sign_in(browser, live_server, login):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(live_server.url + "/accounts/login/")
    page.click("button[data-provider=amu]")
    page.wait_for_load_state()
    assert page.locator(f"button[value={login}]").count(), (page.url, page.content()[:3000])
    page.click(f"button[value={login}]")  # pysaml2's IdP answers with a signed assertion, posted back by the page
    page.wait_for_url(lambda url: url.startswith(live_server.url) and not url.endswith("/acs/"))
    page.wait_for_load_state()
    return page


def test_saml_sign_in_with_federation_attributes(browser, live_server, world, tmp_path):
    idp = SamlIdp(tmp_path)
    # The IdP's metadata imported (entity id, addresses, signing certificate): nothing is fetched later.
    app = services.saml_idp_import(actor=None, slug="amu", name="AMU (RENATER)", metadata_xml=idp.metadata(),
                                   organization=world["univ"])
    assert app.settings["idp"]["x509cert"] and app.settings["idp"]["sso_url"].endswith("/sso")
    sp_metadata = requests.get(f"{live_server.url}/accounts/sso/saml/amu/metadata/", timeout=30).text
    assert "AssertionConsumerService" in sp_metadata
    with idp.serve(sp_metadata, SAML_USERS):
        page = _saml_sign_in(browser, live_server, "bob")
        assert page.url == live_server.url + "/", page.content()[:2000]
        assert _logged_in_email(page) == "bob@univ-amu.fr"
        bob = User.objects.get(email="bob@univ-amu.fr")
        assert (bob.full_name, bob.role) == ("Bob Dupont", Role.GUEST)
        assert SocialAccount.objects.get(user=bob).uid == "bob@univ-amu.fr"  # eduPersonPrincipalName
        request = MembershipRequest.objects.get(user=bob)
        assert (request.organization, request.affiliation, request.provider) == (
            world["univ"], "member@univ-amu.fr", "AMU (RENATER)")
        page.context.close()

        page = _saml_sign_in(browser, live_server, "eve")
        assert "Connexion refusée" in page.content() and "AP-HM" in page.content()
        assert _logged_in_email(page) is None
        assert not SocialAccount.objects.filter(user=world["chief"]).exists()
        assert not User.objects.filter(email="eve@univ-amu.fr").exists()
        page.context.close()
