"""The login lock-out (issue 9, defects 1 and 2): one budget per account, whatever its spelling, and per
real client address, which is read from X-Forwarded-For only when the peer is a trusted proxy."""

import pytest

from guichet.accounts.identity import axes_username

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_upper_case_spelling_is_locked_after_lower_case_failures(client, member):
    for _ in range(5):
        login(client, "member@test.example", "wrong")
    response = login(client, "MEMBER@TEST.EXAMPLE", PASSWORD)
    assert response.status_code == 429
    assert not client.session.get("_auth_user_id")


def test_every_spelling_draws_on_the_same_budget(client, member):
    spellings = ["member@test.example", "MEMBER@test.example", "Member@Test.Example", " member@TEST.example ",
                 "mEmBeR@test.EXAMPLE"]
    for spelling in spellings:
        login(client, spelling, "wrong")
    response = login(client, "member@test.example", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode() or "Trop" in response.content.decode()


def test_a_success_in_any_case_still_logs_in_and_resets_the_budget(client, member):
    for _ in range(4):
        login(client, "member@test.example", "wrong")
    assert login(client, "MEMBER@test.example", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "Member@test.example", "wrong")
    assert login(client, "member@test.example", PASSWORD).status_code == 302


def test_the_axes_username_is_normalised_from_credentials_and_from_the_form(rf):
    assert axes_username(rf.get("/"), {"username": "  MEMBER@X.example "}) == "member@x.example"
    assert axes_username(rf.post("/", {"username": "Member@X.example"})) == "member@x.example"
    assert axes_username(rf.post("/", {})) is None
