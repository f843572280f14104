"""Password reset (by the e-mailed link) and change, for members and for visitors who have none yet."""

import re

import pytest
from django.core import mail

from guichet.accounts.models import Role, User
from guichet.core.models import AuditEvent

from .conftest import make_user

pytestmark = pytest.mark.django_db
OLD = "correct-horse-battery"
NEW = "a-brand-new-passphrase-42"


def reset_link(message):
    found = re.search(r"http://127\.0\.0\.1:8000(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def can_log_in(client, email, password):
    client.logout()
    response = client.post("/accounts/login/", {"username": email, "password": password})
    return response.status_code == 302


def test_the_login_page_and_my_account_link_to_the_password_pages(client, member):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()
    client.force_login(member)
    assert 'href="/accounts/me/password/"' in client.get("/accounts/me/").content.decode()


def test_a_member_resets_the_password_with_the_e_mailed_link(client, member):
    member.language = "en"
    member.save()
    # Asked from a French page: the e-mail is in the account holder's language.
    response = client.post("/accounts/password/reset/", {"email": "MEMBER@test.example"},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert "Consultez vos e-mails" in client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    [message] = mail.outbox
    assert message.to == ["member@test.example"]
    assert message.subject == "[Guichet] Choose a new password" and "Hello Member," in message.body
    page = client.get(reset_link(message), follow=True)
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()
    set_password_url = page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/complete/"
    assert can_log_in(client, "member@test.example", NEW)
    assert not can_log_in(client, "member@test.example", OLD)
    assert AuditEvent.objects.filter(action="user.password_reset", entity_key="member@test.example").exists()
    # The link works once.
    client.logout()
    again = client.get(reset_link(message), follow=True, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ce lien n'est pas valide" in again and 'name="new_password1"' not in again


def test_the_reset_e_mail_is_french_for_a_french_account(client, member):
    client.post("/accounts/password/reset/", {"email": member.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert mail.outbox[0].subject == "[Guichet] Choisissez un nouveau mot de passe"


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, member):
    response = client.post("/accounts/password/reset/", {"email": "nobody@test.example"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_a_visitor_without_a_password_chooses_one_by_the_reset_link(client):
    guest = User.objects.create_user("visitor@lab.example", None, role=Role.GUEST)
    assert not guest.has_usable_password()
    client.post("/accounts/password/reset/", {"email": "visitor@lab.example"})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert can_log_in(client, "visitor@lab.example", NEW)


def test_a_weak_new_password_is_refused_with_a_translated_message(client, member):
    client.post("/accounts/password/reset/", {"email": member.email})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "Ce mot de passe est trop court" in response.content.decode()
    assert can_log_in(client, member.email, OLD)


def test_a_member_changes_the_password(client, member):
    client.force_login(member)
    page = client.get("/accounts/me/password/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Changer mon mot de passe" in page
    wrong = client.post("/accounts/me/password/", {"old_password": "not-it", "new_password1": NEW,
                                                   "new_password2": NEW}, HTTP_ACCEPT_LANGUAGE="fr")
    assert wrong.status_code == 200 and "ancien mot de passe est incorrect" in wrong.content.decode()
    response = client.post("/accounts/me/password/", {"old_password": OLD, "new_password1": NEW,
                                                      "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/password/done/"
    # Still logged in here.
    assert client.get("/accounts/me/").status_code == 200
    assert AuditEvent.objects.filter(action="user.password_change", actor=member).exists()
    assert can_log_in(client, member.email, NEW) and not can_log_in(client, member.email, OLD)


def test_a_password_change_logs_out_the_other_sessions(client, member):
    from django.test import Client

    other = Client()
    other.force_login(member)
    client.force_login(member)
    client.post("/accounts/me/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert other.get("/accounts/me/").status_code == 302


def test_anonymous_visitors_cannot_reach_the_change_page(client):
    make_user("someone@test.example", Role.MEMBER)
    response = client.get("/accounts/me/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_reset_e_mails_to_one_address_are_limited_and_the_answer_does_not_change(client, member):
    """Seen from outside (issue 9 review): ten posts of the reset form sent ten e-mails to one account holder;
    anyone could flood any member's mailbox. Beyond the limit the page answers the same, and sends nothing."""
    from django.core.cache import cache

    cache.clear()
    answers = [client.post("/accounts/password/reset/", {"email": member.email.upper()},
                           REMOTE_ADDR=f"192.0.2.{i}") for i in range(6)]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/accounts/password/reset/sent/")}
    assert len(mail.outbox) == 3 and {tuple(m.to) for m in mail.outbox} == {(member.email,)}
