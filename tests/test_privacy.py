"""Privacy: a member's export holds every app's part and nothing of anyone else; staff erasure anonymises
and keeps bookings and figures; uploaded imports expire; the privacy page in both languages."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from guichet.accounts.models import ApiToken, Membership, Role
from guichet.accounts.services import api_token_create
from guichet.antibodies.models import Assessment
from guichet.bookings.models import Booking, FeedToken, ServiceOrder, TrainingAuthorization
from guichet.core.models import AuditEvent
from guichet.desk.models import Attachment, Message, Need
from guichet.directory.models import ImportBatch, Organization, Person
from guichet.partnerships.models import Partnership, PartnershipStageChange
from guichet.platforms.models import Instrument, Service
from guichet.privacy import registry, services
from guichet.startups.models import Startup

from .conftest import make_user

pytestmark = pytest.mark.django_db
PARTS = {"accounts", "antibodies", "audit", "bookings", "desk", "directory", "partnerships", "startups",
         "clinical", "transfer",  # --- clinical transfer, technology transfer ---
         "events", "partnering",  # --- events ---
         "declarations",  # --- declaration campaigns ---
         "groups"}  # --- groups (issue 12) ---
PARTS |= {"facility"}  # --- facility operations (issue 13) ---
PARTS |= {"talent", "calls"}  # --- calls, talent ---
PARTS |= {"impact"}  # --- impact PDF reports (issue 9) ---
PARTS |= {"signon"}  # --- identity and groups leftovers (issue 12) ---


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)


def give_data(user, marker: str, hour: int):
    """One record of every kind for `user`, each carrying `marker` in its text."""
    organization = Organization.objects.exclude(memberships__user=user).order_by("key").first()
    Membership.objects.create(user=user, organization=organization)
    api_token_create(actor=user, name=f"{marker}-token")
    request = Need.objects.create(title=f"{marker} title", text=f"{marker} need", language="fr", requester=user)
    Message.objects.create(request=request, author=user, body=f"{marker} message")
    Attachment.objects.create(request=request, file=ContentFile(b"pdf", name=f"{marker}.pdf"), name=f"{marker}.pdf",
                              size=3, uploaded_by=user)
    instrument = Instrument.objects.order_by("key").first()
    start = timezone.now().replace(microsecond=0) + timedelta(days=400, hours=hour)
    Booking.objects.create(instrument=instrument, user=user, start=start, end=start + timedelta(hours=1),
                           blocked_until=start + timedelta(hours=1), status=Booking.Status.CONFIRMED,
                           note=f"{marker} note")
    ServiceOrder.objects.create(service=Service.objects.order_by("key").first(), requester=user,
                                customer_category="academic", description=f"{marker} work", quantity=1)
    TrainingAuthorization.objects.create(user=user, instrument=instrument, granted_by=user)
    FeedToken.objects.create(user=user, created_by=user)
    partnership = Partnership.objects.create(title=f"{marker} partnership", type="research", created_by=user)
    partnership.parties.add(organization)
    PartnershipStageChange.objects.create(partnership=partnership, stage="lead", on=timezone.now().date(), actor=user)
    Assessment.objects.create(owner=user, title=f"{marker} antibodies", result=[{"name": f"{marker}-mab"}])
    Startup.objects.order_by("pk").first().founders.add(user)
    Person.objects.create(key=f"p-{marker}", name=f"{marker} in the directory", email=user.email.upper())
    ImportBatch.objects.create(created_by=user, filename=f"{marker}.json",
                               payload={"people": [{"email": f"{marker}-colleague@example.org"}]})


@pytest.fixture
def alice(demo):
    user = make_user("alice@test.example", Role.MEMBER)
    give_data(user, "alice", 1)
    return user


@pytest.fixture
def bob(demo):
    user = make_user("bob@test.example", Role.MEMBER)
    give_data(user, "bob", 3)
    return user


def download(client, user) -> dict:
    client.force_login(user)
    response = client.post("/privacy/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="guichet-my-data.json"'
    return json.loads(response.content)


def test_the_export_holds_every_apps_part_and_nothing_of_another_member(client, alice, bob):
    data = download(client, alice)
    assert data["format"] == "guichet-personal-data" and data["user"] == alice.pk
    assert set(data["parts"]) == set(registry.exporters) == PARTS
    parts = data["parts"]
    assert parts["accounts"]["account"]["email"] == "alice@test.example"
    assert [t["name"] for t in parts["accounts"]["api_tokens"]] == ["alice-token"]
    assert all("hash" not in key for t in parts["accounts"]["api_tokens"] for key in t)
    assert len(parts["accounts"]["memberships"]) == 1
    assert [r["text"] for r in parts["desk"]["requests"]] == ["alice need"]
    assert [m["body"] for m in parts["desk"]["messages"]] == ["alice message"]
    assert [a["name"] for a in parts["desk"]["attachments"]] == ["alice.pdf"]
    assert [b["note"] for b in parts["bookings"]["bookings"]] == ["alice note"]
    assert [o["description"] for o in parts["bookings"]["service_orders"]] == ["alice work"]
    assert len(parts["bookings"]["trainings"]) == 1 and len(parts["bookings"]["calendar_feeds"]) == 1
    assert [p["title"] for p in parts["partnerships"]["recorded"]] == ["alice partnership"]
    assert len(parts["partnerships"]["stage_changes"]) == 1
    assert [a["title"] for a in parts["antibodies"]["assessments"]] == ["alice antibodies"]
    assert len(parts["startups"]["founder_of"]) == 1
    assert [b["file"] for b in parts["directory"]["imports_uploaded"]] == ["alice.json"]
    assert [p["key"] for p in parts["directory"]["directory_entries"]] == ["p-alice"]
    assert "api_token.create" in [e["action"] for e in parts["audit"]["events"]]

    text = json.dumps(data)
    assert "bob" not in text  # no record, address, token or event of the other member
    assert "alice-colleague@example.org" not in text  # the uploaded file's content is other people's
    feed = FeedToken.objects.get(user=alice)
    assert feed.token not in text and ApiToken.objects.get(user=alice).token_hash not in text
    # The download itself is in the audit log.
    assert AuditEvent.objects.filter(action="privacy.export", entity_key=str(alice.pk), actor=alice).exists()


def test_anonymous_visitors_and_get_requests_download_nothing(client, alice):
    assert client.post("/privacy/export/").status_code == 302
    client.force_login(alice)
    assert client.get("/privacy/export/").status_code == 405


def test_staff_erase_then_the_export_shows_anonymised_data_and_the_figures_stay(
        client, alice, bob, staff, django_capture_on_commit_callbacks):
    bookings_before = Booking.objects.count()
    orders_before = ServiceOrder.objects.count()
    audit_before = list(AuditEvent.objects.order_by("pk").values_list("pk", "actor_label", "entity_key", "changes"))
    attachment = Attachment.objects.get(uploaded_by=alice)
    storage, path = attachment.file.storage, attachment.file.name
    old_link = Need.objects.get(requester=alice).access_token

    client.force_login(staff)
    page = client.get("/privacy/erase/", {"email": "ALICE@test.example"})
    assert "alice@test.example" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # files are removed once the erasure commits
        response = client.post(f"/privacy/erase/{alice.pk}/")
    assert response.status_code == 302

    alice.refresh_from_db()
    assert alice.email == f"erased-{alice.pk}@erased.invalid" and alice.full_name == ""
    assert not alice.is_active and not alice.has_usable_password()
    # Bookings and orders (the platforms' accounts) are kept; the account is still their author.
    assert Booking.objects.count() == bookings_before and ServiceOrder.objects.count() == orders_before
    assert Booking.objects.get(user=alice).note == ""
    request = Need.objects.get(requester=alice)
    assert (request.title, request.text) == ("[erased]", "[erased]") and request.access_token != old_link
    assert Message.objects.get(author=alice).body == "[erased]"
    assert not Attachment.objects.filter(pk=attachment.pk).exists() and not storage.exists(path)
    assert not Assessment.objects.filter(owner=alice).exists()
    assert not ApiToken.objects.filter(user=alice).exists() and not Membership.objects.filter(user=alice).exists()
    assert not FeedToken.objects.filter(user=alice).exists() and not Startup.objects.filter(founders=alice).exists()
    # The audit trail: every earlier row unchanged, one new event without the name or the address.
    assert list(AuditEvent.objects.filter(pk__lte=audit_before[-1][0]).order_by("pk")
                .values_list("pk", "actor_label", "entity_key", "changes")) == audit_before
    erase_event = AuditEvent.objects.get(action="privacy.erase")
    assert erase_event.actor == staff and erase_event.entity_key == str(alice.pk)
    assert "alice" not in json.dumps([erase_event.entity_label, erase_event.changes])

    data = services.person_export(actor=alice, person=alice)
    text = json.dumps(data)
    for marker in ("alice@test.example", "alice need", "alice message", "alice note", "alice antibodies",
                   "alice.pdf"):
        assert marker not in text, marker
    # The token is gone; the audit event of its creation stays, as the audit log is insert-only.
    assert data["parts"]["accounts"]["api_tokens"] == []
    assert [e["record_name"] for e in data["parts"]["audit"]["events"] if e["action"] == "api_token.create"] \
        == ["alice-token"]
    assert data["parts"]["accounts"]["account"]["email"] == alice.email
    assert len(data["parts"]["bookings"]["bookings"]) == 1  # still there, anonymous
    # Bob is untouched.
    bob.refresh_from_db()
    assert bob.email == "bob@test.example" and Message.objects.get(author=bob).body == "bob message"


def test_who_may_erase_whom(client, alice, staff, admin_user, member):
    client.force_login(member)
    assert client.post(f"/privacy/erase/{alice.pk}/").status_code == 403
    client.force_login(staff)
    assert client.post(f"/privacy/erase/{admin_user.pk}/").status_code == 403  # staff do not erase admins
    assert client.post(f"/privacy/erase/{staff.pk}/").status_code == 403  # nor themselves
    page = client.get("/privacy/erase/", {"email": "nobody@test.example"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No account has this e-mail address." in page.content.decode()
    client.force_login(admin_user)
    assert client.post(f"/privacy/erase/{staff.pk}/").status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active


def test_purge_removes_uploaded_imports_older_than_the_retention(settings, staff):
    settings.GUICHET_IMPORT_RETENTION_DAYS = 30
    now = timezone.now()
    old = ImportBatch.objects.create(created_by=staff, filename="old.json", payload={"people": [{"email": "x@y.z"}]})
    recent = ImportBatch.objects.create(created_by=staff, filename="recent.json", payload={})
    ImportBatch.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    ImportBatch.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=29))

    assert services.purge_expired(now=now) == 1
    assert list(ImportBatch.objects.values_list("filename", flat=True)) == ["recent.json"]
    event = AuditEvent.objects.get(action="privacy.purge_imports")
    assert event.changes["batches"] == [1, 0] and "x@y.z" not in json.dumps(event.changes)
    assert services.purge_expired(now=now) == 0  # nothing left to purge, nothing audited twice
    assert services.purge_expired(now=now + timedelta(days=2)) == 1
    call_command("purgeexpired", verbosity=0)


def test_the_privacy_page_in_both_languages_is_linked_from_the_footer(client):
    fr = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'href="/privacy/"' in fr and "Confidentialité" in fr
    page_fr = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    page_en = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ce que nous conservons" in page_fr and "What we keep" in page_en
    assert "30 jours" in page_fr and "30 days" in page_en


# --- identity and groups leftovers (issue 12) ---
def give_signon_data(user, marker: str):
    """What a first sign-in and a second factor leave: a proposed membership, a provider's account with the
    attributes it sent, allauth's address row, a TOTP and recovery codes (their secrets in `data`)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from guichet.signon.models import MembershipRequest

    organization = Organization.objects.order_by("key").first()
    MembershipRequest.objects.create(user=user, organization=organization, source="scope",
                                     affiliation=f"{marker}-affiliation", provider=f"{marker}-idp")
    SocialAccount.objects.create(user=user, provider="saml", uid=f"{marker}@univ.example",
                                 extra_data={"displayName": [f"{marker} displayed"]})
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Authenticator.objects.create(user=user, type="totp", data={"secret": f"{marker.upper()}SECRETTOTP"})
    Authenticator.objects.create(user=user, type="recovery_codes", data={"seed": f"{marker}-seed"})


def test_the_export_and_the_erasure_cover_single_sign_on_and_second_factors(client, alice, bob, staff):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from guichet.signon.models import MembershipRequest

    give_signon_data(alice, "alice")
    give_signon_data(bob, "bob")
    part = download(client, alice)["parts"]["signon"]
    assert [(r["affiliation"], r["provider"], r["status"]) for r in part["membership_requests"]] \
        == [("alice-affiliation", "alice-idp", "pending")]
    assert [(a["provider"], a["uid"], a["extra_data"]) for a in part["identity_provider_accounts"]] \
        == [("saml", "alice@univ.example", {"displayName": ["alice displayed"]})]
    assert [e["email"] for e in part["email_addresses"]] == ["alice@test.example"]
    assert sorted(f["type"] for f in part["second_factors"]) == ["recovery_codes", "totp"]
    text = json.dumps(part)
    assert "ALICESECRETTOTP" not in text and "alice-seed" not in text  # a secret never leaves
    assert "bob" not in text

    client.force_login(staff)
    assert client.post(f"/privacy/erase/{alice.pk}/").status_code == 302
    for model in (MembershipRequest, SocialAccount, EmailAddress, Authenticator):
        assert not model.objects.filter(user=alice).exists(), model
        assert model.objects.filter(user=bob).exists(), model
    after = services.person_export(actor=alice, person=alice)["parts"]["signon"]
    assert after == {"membership_requests": [], "identity_provider_accounts": [], "email_addresses": [],
                     "second_factors": []}
