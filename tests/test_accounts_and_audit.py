import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from guichet.accounts.models import User
from guichet.core.models import AuditEvent, InsertOnlyError
from guichet.directory.models import Organization
from guichet.directory.services import directory_record_save

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_by_default(settings):
    from guichet.config import settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    user = User.objects.create_user("argon@test.example", "a-long-password-1")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-password-1")


def test_login_with_email(client, member):
    response = client.post("/accounts/login/", {"username": "MEMBER@test.example",
                                                "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/accounts/me/").context["user"] == member


def test_repeated_failures_lock_the_account_out(client, member):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": member.email, "password": "wrong"})
    assert response.status_code == 429
    # Even the right password is refused while locked out.
    response = client.post("/accounts/login/", {"username": member.email, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "/accounts/me/" not in response.get("Location", "")
    assert not client.session.get("_auth_user_id")


def test_roles_decide_admin_access(member, staff, admin_user):
    assert not member.is_staff
    assert staff.is_staff and staff.has_perm("directory.change_organization")
    assert not staff.has_perm("accounts.change_user")
    assert admin_user.has_perm("accounts.change_user")


def test_audit_log_is_insert_only(small_directory):
    event = AuditEvent.objects.first()
    event.action = "tampered"
    with pytest.raises(InsertOnlyError):
        event.save()
    with pytest.raises(InsertOnlyError):
        AuditEvent.objects.all().update(action="tampered")
    with pytest.raises(InsertOnlyError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET action = 'tampered'")
    assert not AuditEvent.objects.filter(action="tampered").exists()


def test_admin_edit_writes_before_and_after(small_directory, staff):
    org = Organization.objects.get(key="acme-bio")
    org.city = "Marseille"
    directory_record_save(actor=staff, record=org, is_new=False)
    event = AuditEvent.objects.filter(entity_key="acme-bio").first()
    assert event.action == "organization.update" and event.actor_label == staff.email
    assert event.changes == {"city": ["Aix-en-Provence", "Marseille"]}


def test_staff_browse_the_audit_log_members_cannot(client, staff, member, small_directory):
    client.force_login(member)
    assert client.get("/staff/audit/").status_code == 403
    client.force_login(staff)
    body = client.get("/staff/audit/?entity=acme-bio").content.decode()
    assert "organization.create" in body and "Acme Antibodies" in body


@pytest.mark.slow
def test_deploy_check_passes_with_production_settings(tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUICHET_", "DJANGO_"))}
    env.update(GUICHET_SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
               GUICHET_ALLOWED_HOSTS="guichet.example.org", GUICHET_DATA_DIR=str(tmp_path),
               PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run([sys.executable, "-m", "guichet", "check", "--deploy", "--fail-level", "WARNING"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    env.pop("GUICHET_SECRET_KEY")
    proc = subprocess.run([sys.executable, "-m", "guichet", "check"], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    assert proc.returncode != 0 and "GUICHET_SECRET_KEY" in proc.stderr
