"""Single sign-on rules, without a browser (tests/e2e/test_signon_journey.py runs the real providers): who a
provider's assertion may sign in, local passwords per organization, membership confirmation."""

import pytest
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from guichet.accounts.models import Membership, Role
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.directory.models import Organization
from guichet.signon import selectors, services
from guichet.signon.models import MembershipRequest, OrganizationDomain, SignOnPolicy

from .conftest import logged_in, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db):
    univ = Organization.objects.create(key="amu", name="Aix-Marseille Université", kind="university")
    hospital = Organization.objects.create(key="aphm", name="AP-HM", kind="hospital")
    OrganizationDomain.objects.create(organization=univ, domain="univ-amu.fr")
    OrganizationDomain.objects.create(organization=hospital, domain="ap-hm.fr")
    return {"univ": univ, "hospital": hospital}


def _request():
    request = RequestFactory().get("/accounts/sso/oidc/amu-oidc/login/callback/")
    request.session = SessionStore()
    request.LANGUAGE_CODE = "fr"
    return request


def _sign_in(app, claims, *, saml=False):
    """A provider's answer as allauth reads it, looked up, then through our pre-login check:
    returns (the account it lands on or None, the refusal response or None)."""
    request = _request()
    with context.request_context(request):
        provider = app.get_provider(request)
        if saml:
            login = provider.sociallogin_from_response(request, claims)
        else:
            login = provider.sociallogin_from_response(request, claims)
        login.lookup()
        try:
            get_adapter(request).pre_social_login(request, login)
        except ImmediateHttpResponse as refused:
            return None, refused.response
        return (login.user if login.is_existing else None), None


def _oidc(orgs, organization="univ", trust_email=False):
    return services.oidc_provider_save(actor=None, provider_id="amu-oidc", name="AMU", issuer="http://127.0.0.1:9",
                                       client_id="guichet", secret="s", organization=orgs[organization],
                                       trust_email=trust_email)


def test_an_unverified_address_never_signs_into_the_existing_account(orgs):
    victim = make_user("victim@univ-amu.fr", Role.MEMBER)
    user, refused = _sign_in(_oidc(orgs), {"sub": "m", "email": "victim@univ-amu.fr", "email_verified": False})
    assert user is None and refused.status_code == 403
    assert "pas vérifié" in refused.content.decode()
    assert not SocialAccount.objects.exists() and victim.check_password("correct-horse-battery")
    assert AuditEvent.objects.get(action="signon.refused").entity_key == "victim@univ-amu.fr"


def test_an_address_of_another_organization_never_links_even_verified(orgs):
    make_user("chief@ap-hm.fr", Role.MEMBER)
    for email in ("chief@ap-hm.fr", "chief@urgences.ap-hm.fr"):  # a subdomain is the hospital's too
        user, refused = _sign_in(_oidc(orgs), {"sub": "x", "email": email, "email_verified": True})
        assert user is None and refused.status_code == 403
        assert "AP-HM" in refused.content.decode()
    assert not SocialAccount.objects.exists()


def test_a_verified_address_of_the_providers_own_domain_signs_into_the_account(orgs):
    member = make_user("member@univ-amu.fr", Role.MEMBER)
    user, refused = _sign_in(_oidc(orgs), {"sub": "ok", "email": "Member@Univ-Amu.fr", "email_verified": True})
    assert refused is None and user == member
    assert AuditEvent.objects.filter(action="user.sso_link", entity_key="member@univ-amu.fr").exists()


def test_a_provider_trusted_for_its_addresses_counts_them_verified(orgs):
    member = make_user("member@univ-amu.fr", Role.MEMBER)
    user, refused = _sign_in(_oidc(orgs, trust_email=True), {"sub": "t", "email": "member@univ-amu.fr"})
    assert refused is None and user == member
    # ...but never another organization's.
    make_user("chief@ap-hm.fr", Role.MEMBER)
    user, refused = _sign_in(_oidc(orgs, trust_email=True), {"sub": "u", "email": "chief@ap-hm.fr"})
    assert user is None and refused.status_code == 403


def test_a_first_sign_in_proposes_the_organization_of_the_domain_and_asks_its_contact(orgs, django_capture_on_commit_callbacks):
    contact = make_user("contact@univ-amu.fr", Role.MEMBER)
    contact.language = "en"
    contact.save()
    Membership.objects.create(user=contact, organization=orgs["univ"], is_contact=True)
    newcomer = make_user("new@lab.univ-amu.fr", Role.GUEST)
    from guichet.signon.identity import Assertion

    with django_capture_on_commit_callbacks():
        from django.db import transaction

        with transaction.atomic():
            request = services.sso_account_created(user=newcomer, assertion=Assertion(
                email=newcomer.email, verified=True, provider_label="AMU", provider_organization=None,
                affiliation="member@univ-amu.fr"))
    assert (request.organization, request.source, request.affiliation) == (orgs["univ"], "domain",
                                                                          "member@univ-amu.fr")
    mail = OutboxMessage.objects.get(template="signon_membership_request")
    assert mail.to == [contact.email] and mail.subject == "[Guichet] Confirm a member of Aix-Marseille Université"


def _pending(orgs, user):
    return MembershipRequest.objects.create(user=user, organization=orgs["univ"], source="domain")


def test_the_contact_confirms_the_membership_once(orgs, client):
    contact = make_user("contact@univ-amu.fr", Role.MEMBER)
    Membership.objects.create(user=contact, organization=orgs["univ"], is_contact=True)
    guest = make_user("new@univ-amu.fr", Role.GUEST)
    request = _pending(orgs, guest)
    logged_in(client, contact)
    page = client.get("/accounts/sso/memberships/")
    assert "new@univ-amu.fr" in page.content.decode()
    # The site's table, in a box that scrolls on a phone, with the site's buttons (it was a bare <table>).
    assert '<div class="table-wrap"><table class="table" id="membership-requests">' in page.content.decode()
    assert 'class="actions"' in page.content.decode() and 'value="refuse" class="secondary"' in page.content.decode()
    response = client.post(f"/accounts/sso/memberships/{request.pk}/decide/", {"decision": "accept"})
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.role == Role.MEMBER and Membership.objects.filter(user=guest, organization=orgs["univ"]).exists()
    assert MembershipRequest.objects.get(pk=request.pk).decided_by == contact
    mail = OutboxMessage.objects.get(template="signon_membership_decided")
    assert mail.to == ["new@univ-amu.fr"] and "Vous êtes membre de Aix-Marseille Université" in mail.subject
    assert {"membership_request.decide", "membership.create", "user.role_change"} <= set(
        AuditEvent.objects.values_list("action", flat=True))
    with pytest.raises(services.SignOnError):
        services.membership_request_decide(actor=contact, request=request, accept=False)


def test_another_organizations_member_cannot_see_or_decide_the_request(orgs, client):
    other = make_user("someone@ap-hm.fr", Role.MEMBER)
    Membership.objects.create(user=other, organization=orgs["hospital"], is_contact=True)
    request = _pending(orgs, make_user("new@univ-amu.fr", Role.GUEST))
    logged_in(client, other)
    assert "new@univ-amu.fr" not in client.get("/accounts/sso/memberships/").content.decode()
    assert client.post(f"/accounts/sso/memberships/{request.pk}/decide/", {"decision": "accept"}).status_code == 404
    assert MembershipRequest.objects.get(pk=request.pk).status == "pending"


def test_an_organization_turns_local_passwords_off(orgs, client):
    member = make_user("member@univ-amu.fr", Role.MEMBER)
    Membership.objects.create(user=member, organization=orgs["univ"])
    form = {"username": "member@univ-amu.fr", "password": "correct-horse-battery"}
    assert client.post("/accounts/login/", form).status_code == 302  # allowed by default
    client.logout()
    SignOnPolicy.objects.create(organization=orgs["univ"], local_passwords=False)
    response = client.post("/accounts/login/", form)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "fournisseur d’identité" in response.content.decode()
    client.post("/accounts/password/reset/", {"email": "member@univ-amu.fr"})
    assert not OutboxMessage.objects.filter(to=["member@univ-amu.fr"]).exists()
    assert selectors.local_passwords_allowed(make_user("other@ap-hm.fr", Role.MEMBER))


def test_saml_metadata_that_is_not_metadata_is_refused_naming_the_field(orgs):
    for text in ("not xml", "<EntityDescriptor xmlns='urn:oasis:names:tc:SAML:2.0:metadata' entityID='x'/>"):
        with pytest.raises(services.SignOnError) as refused:
            services.saml_idp_import(actor=None, slug="amu", name="AMU", metadata_xml=text, organization=orgs["univ"])
        assert refused.value.field == "metadata" and "SAML" in str(refused.value)
    assert not SocialApp.objects.exists()


# --- identity and groups leftovers (issue 12): a first sign-in says what happens, in French and English ---

def _pending_login(app, claims):
    request = _request()
    with context.request_context(request):
        login = app.get_provider(request).sociallogin_from_response(request, claims)
        login.lookup()
    return request, login


NEWCOMER = {"sub": "n", "email": "new@lab.univ-amu.fr", "email_verified": True, "name": "Nina Nouvelle"}


@pytest.mark.parametrize("language,said", [
    ("fr", ["Bienvenue sur Guichet\u00a0: votre compte a été créé pour new@lab.univ-amu.fr et lié à votre connexion "
            "avec AMU.", "Aix-Marseille Université est invitée à confirmer que vous en êtes membre"]),
    ("en", ["Welcome to Guichet: your account was created for new@lab.univ-amu.fr, linked to your sign-in with AMU.",
            "Aix-Marseille Université is asked to confirm that you are one of its members"])])
def test_a_first_sign_in_says_which_account_was_made_and_which_organization_confirms_it(orgs, language, said):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.utils import translation

    request, login = _pending_login(_oidc(orgs), NEWCOMER)
    request._messages = FallbackStorage(request)
    with context.request_context(request), translation.override(language):
        user = get_adapter(request).save_user(request, login)
    text = " ".join(str(m) for m in get_messages(request))
    assert user.email == "new@lab.univ-amu.fr" and all(s in text for s in said), text


def _signup_page(client, app, claims, **post):
    request, login = _pending_login(app, claims)
    session = client.session
    session["socialaccount_sociallogin"] = login.serialize()
    session.save()
    if post:
        return client.post("/accounts/sso/3rdparty/signup/", post, HTTP_ACCEPT_LANGUAGE="fr")
    return client.get("/accounts/sso/3rdparty/signup/", HTTP_ACCEPT_LANGUAGE="fr")


def test_the_sign_up_step_speaks_french_names_the_organization_and_keeps_the_providers_address(orgs, client):
    from guichet.accounts.models import User

    page = _signup_page(client, _oidc(orgs), NEWCOMER).content.decode()
    assert "Votre compte Guichet" in page and "Votre connexion avec AMU a réussi" in page
    assert "Votre adresse appartient à Aix-Marseille Université" in page and "Créer mon compte Guichet" in page
    assert "Sign Up" not in page and "You are about to use" not in page and "Signup" not in page
    assert 'value="new@lab.univ-amu.fr"' in page and "disabled" in page
    # An address typed in the form is nobody's verified one: the account takes the provider's.
    response = _signup_page(client, _oidc(orgs), NEWCOMER, email="chief@ap-hm.fr")
    assert response.status_code == 302
    assert User.objects.filter(email="new@lab.univ-amu.fr").exists()
    assert not User.objects.filter(email="chief@ap-hm.fr").exists()


def test_the_sign_up_step_says_an_existing_deactivated_account_holds_the_address(orgs, client):
    holder = make_user("new@lab.univ-amu.fr", Role.MEMBER)
    holder.is_active = False
    holder.save()
    page = _signup_page(client, _oidc(orgs), NEWCOMER).content.decode()
    assert "Un compte Guichet utilise déjà new@lab.univ-amu.fr" in page and "désactivé" in page
    assert "Créer mon compte Guichet" not in page and "Retour à la page de connexion" in page
