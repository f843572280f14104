"""API tokens that expire (a date chosen at creation) and can be rotated (new secret, the old one dead at once),
every step audited; an expired token gets 401."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from guichet.accounts import services
from guichet.accounts.models import ApiToken
from guichet.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def api(client, raw):
    return client.get("/api/v1/bookings", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_works_until_its_expiry_then_gets_401(client, member):
    token, raw = services.api_token_create(actor=member, name="lims")
    assert api(client, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(client, raw)
    assert response.status_code == 401
    assert member.email not in response.content.decode()


def test_the_default_expiry_is_configurable(member, settings):
    settings.GUICHET_API_TOKEN_DAYS = 10
    token, _raw = services.api_token_create(actor=member, name="t")
    days = (timezone.localtime(token.expires_at).date() - timezone.localdate()).days
    assert days == 11  # it works through the tenth day, Paris time, and stops at the next midnight
    assert timezone.localtime(token.expires_at).hour == 0


def test_my_account_creates_a_token_with_the_chosen_expiry(client, member):
    client.force_login(member)
    page = client.get("/accounts/me/").content.decode()
    default = (timezone.localdate() + timedelta(days=90)).isoformat()
    assert f'value="{default}"' in page and 'type="date"' in page
    chosen = timezone.localdate() + timedelta(days=30)
    page = client.post("/accounts/me/", {"name": "lab LIMS", "expires_on": chosen.isoformat()}).content.decode()
    raw = re.search(r'<code id="new-token" class="token-secret">([^<]+)</code>', page).group(1)
    token = ApiToken.objects.get(user=member)
    assert timezone.localtime(token.expires_at).date() == chosen + timedelta(days=1)
    assert token.valid_through == chosen
    shown = client.get("/accounts/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("en"):
        assert f"valid through {date_format(chosen, 'SHORT_DATE_FORMAT')}" in shown
    assert api(client, raw).status_code == 200
    assert AuditEvent.objects.filter(action="api_token.create", entity_key=str(token.pk)).exists()


@pytest.mark.parametrize(("offset", "message_fr", "message_en"), [
    (0, "Date d'expiration\u00a0: choisissez un jour après aujourd'hui.", "Expiry date: choose a day after today."),
    (-3, "Date d'expiration\u00a0: choisissez un jour après aujourd'hui.", "Expiry date: choose a day after today."),
    (366, "Date d'expiration\u00a0: au plus 365 jours à partir d'aujourd'hui", "Expiry date: at most 365 days from today"),
])
def test_an_expiry_out_of_bounds_is_refused_naming_the_field(client, member, offset, message_fr, message_en):
    client.force_login(member)
    day = (timezone.localdate() + timedelta(days=offset)).isoformat()
    for lang, message in (("fr", message_fr), ("en", message_en)):
        response = client.post("/accounts/me/", {"name": "t", "expires_on": day}, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200 and message in response.content.decode().replace("&#x27;", "'")
    assert not ApiToken.objects.exists()
    with pytest.raises(services.TokenError):
        services.api_token_create(actor=member, name="t", expires_on=timezone.localdate() + timedelta(days=offset))


def test_a_garbled_expiry_date_is_refused(client, member):
    client.force_login(member)
    response = client.post("/accounts/me/", {"name": "t", "expires_on": "9999-99-99"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Enter a valid date." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_rotation_gives_a_new_secret_and_kills_the_old_one_at_once(client, member):
    token, old = services.api_token_create(actor=member, name="lims")
    client.force_login(member)
    page = client.post(f"/accounts/me/tokens/{token.pk}/rotate/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    new = re.search(r'<code id="new-token" class="token-secret">([^<]+)</code>', page).group(1)
    assert "the old one no longer works" in page and new != old
    client.logout()
    assert api(client, old).status_code == 401
    assert api(client, new).status_code == 200
    rotated = ApiToken.objects.get(pk=token.pk)
    assert rotated.expires_at == token.expires_at and rotated.rotated_at is not None
    assert rotated.prefix == new[3:9] != token.prefix
    event = AuditEvent.objects.get(action="api_token.rotate", entity_key=str(token.pk))
    assert event.changes == {"prefix": [token.prefix, rotated.prefix]} and new not in str(event.changes)


def test_expired_or_revoked_tokens_cannot_be_rotated_back_to_life(client, member):
    expired, _ = services.api_token_create(actor=member, name="old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked, _ = services.api_token_create(actor=member, name="gone")
    services.api_token_revoke(actor=member, token=revoked)
    for token in (expired, revoked):
        with pytest.raises(services.TokenError):
            services.api_token_rotate(actor=member, token=token)
    client.force_login(member)
    response = client.post(f"/accounts/me/tokens/{expired.pk}/rotate/", follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert "Ce jeton est révoqué ou expiré" in body
    assert "old" in body and "expiré le" in body  # listed apart as expired


def test_nobody_rotates_someone_elses_token(client, member, outsider):
    token, raw = services.api_token_create(actor=member, name="lims")
    client.force_login(outsider)
    assert client.post(f"/accounts/me/tokens/{token.pk}/rotate/").status_code == 404
    with pytest.raises(services.TokenError):
        services.api_token_rotate(actor=outsider, token=token)
    client.logout()
    assert api(client, raw).status_code == 200
