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


PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.7"


def via(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return extra


def test_by_default_no_proxy_is_trusted(rf, settings):
    from guichet.accounts.identity import client_ip

    assert settings.GUICHET_TRUSTED_PROXIES == []
    assert client_ip(rf.get("/", **via(PROXY, ATTACKER))) == PROXY


def test_behind_a_trusted_proxy_one_attacker_cannot_lock_an_account_for_everybody(client, member, settings):
    settings.GUICHET_TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(5):
        login(client, member.email, "wrong", **via(PROXY, ATTACKER))
    # The attacker, through the same proxy, is locked out...
    assert login(client, member.email, PASSWORD, **via(PROXY, ATTACKER)).status_code == 429
    # ...but the account's owner, through the same proxy, still logs in.
    response = login(client, member.email, PASSWORD, **via(PROXY, VICTIM))
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(member.pk)


def test_behind_a_trusted_proxy_a_forged_left_part_of_the_header_is_ignored(client, member, settings):
    settings.GUICHET_TRUSTED_PROXIES = ["10.0.0.5"]
    # The attacker writes a new address at the left of the header on every try; the proxy appends the real one.
    for i in range(5):
        login(client, member.email, "wrong", **via(PROXY, f"192.0.2.{i}, {ATTACKER}"))
    assert login(client, member.email, PASSWORD, **via(PROXY, f"192.0.2.99, {ATTACKER}")).status_code == 429


def test_an_untrusted_peer_cannot_pick_its_address_with_the_header(client, member, settings):
    settings.GUICHET_TRUSTED_PROXIES = ["10.0.0.0/24"]
    # A client connecting directly sends a different X-Forwarded-For each time: it is not believed,
    # so all five failures count against its real address.
    for i in range(5):
        login(client, member.email, "wrong", **via(ATTACKER, f"10.0.0.{i + 10}"))
    assert login(client, member.email, PASSWORD, **via(ATTACKER, VICTIM)).status_code == 429
    assert login(client, member.email, PASSWORD, **via(VICTIM)).status_code == 302


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("10.0.0.5", "198.51.100.7", "198.51.100.7"),
    ("10.0.0.5", "192.0.2.1, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies of ours
    ("10.0.0.5", "", "10.0.0.5"),  # no header: the proxy itself
    ("10.0.0.5", "not-an-ip, 10.0.0.9", "10.0.0.9"),  # garbage stops the walk at the last good hop
    ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
    ("::ffff:10.0.0.5", "198.51.100.7:51234", "198.51.100.7"),
    ("203.0.113.66", "198.51.100.7", "203.0.113.66"),  # an untrusted peer
])
def test_client_address_is_read_from_the_right(rf, settings, remote, forwarded, expected):
    from guichet.accounts.identity import client_ip

    settings.GUICHET_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(rf.get("/", **via(remote, forwarded))) == expected


@pytest.mark.slow
def test_a_wrong_trusted_proxy_setting_is_refused_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUICHET_", "DJANGO_"))}
    env.update(GUICHET_DEBUG="1", GUICHET_DATA_DIR=str(tmp_path), GUICHET_TRUSTED_PROXIES="10.0.0.0/24,proxy.lan",
               PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run([sys.executable, "-m", "guichet", "check"], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    assert proc.returncode != 0 and "GUICHET_TRUSTED_PROXIES" in proc.stderr and "proxy.lan" in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", [["migrate"], ["check"], ["loaddemo"]])
def test_a_command_without_a_secret_key_says_in_one_line_what_to_set(tmp_path, command):
    """Issue 15, defect 14: no 40-line traceback; one line naming the variables, and a non-zero exit."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUICHET_", "DJANGO_"))}
    env.update(GUICHET_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run([sys.executable, "-m", "guichet", *command], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0
    assert len(lines) == 1, proc.stderr
    assert "GUICHET_SECRET_KEY" in lines[0] and "GUICHET_DEBUG=1" in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_the_admin_login_shares_the_same_budget(client, staff):
    for _ in range(5):
        client.post("/admin/login/", {"username": "staff@test.example", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/", {"username": "STAFF@TEST.EXAMPLE", "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # not logged in
