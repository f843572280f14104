"""The optional second factor (TOTP, django-allauth's mfa) for the cluster team: set up after the password
is asked again, then asked at every password login; members are not offered it."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from guichet.accounts.models import Role
from guichet.core.models import AuditEvent

from .conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _code(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _login(client, email):
    return client.post("/accounts/login/", {"username": email, "password": PASSWORD})


def test_staff_set_up_totp_and_are_asked_for_it_at_login(client, django_capture_on_commit_callbacks):
    staff = make_user("staff@test.example", Role.STAFF)
    assert _login(client, staff.email).status_code == 302
    # Setting up a second factor asks for the password again first.
    response = client.get("/accounts/sso/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sso/reauthenticate/")
    assert client.post("/accounts/sso/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/sso/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert client.post("/accounts/sso/2fa/totp/activate/", {"code": "000000"}).status_code == 200  # wrong code
    assert not Authenticator.objects.filter(user=staff).exists()
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces the new authenticator on commit
        client.post("/accounts/sso/2fa/totp/activate/", {"code": _code(secret)})
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    assert AuditEvent.objects.filter(action="mfa.add", entity_key=staff.email).exists()
    client.post("/accounts/logout/")

    # The password alone no longer logs in: the second step asks for the code.
    response = _login(client, staff.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/sso/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    client.post("/accounts/sso/2fa/authenticate/", {"code": "123456"})
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/sso/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(staff.pk)


def test_members_are_not_offered_a_second_factor(client):
    member = make_user("member@test.example", Role.MEMBER)
    _login(client, member.email)
    assert client.get("/accounts/sso/2fa/").status_code == 403
    assert client.get("/accounts/sso/2fa/totp/activate/").status_code == 403
    assert client.post("/accounts/sso/2fa/totp/activate/", {"code": "000000"}).status_code == 403
    assert not Authenticator.objects.exists()
