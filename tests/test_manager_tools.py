"""Issue 15, item 5: a platform's managers grant and revoke trainings, declare maintenance periods and get the
instrument's private ICS feed from its manage page; each form is its own small view over an audited service.
Actors: the manager of this platform, the manager of another platform, a member, staff."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from guichet.accounts.models import Role
from guichet.bookings import services
from guichet.bookings.models import Booking, FeedToken, TrainingAuthorization
from guichet.core.audit import AuditEvent
from guichet.core.workdays import PARIS
from guichet.platforms.models import Platform

from . import test_bookings
from .conftest import make_user

pytestmark = pytest.mark.django_db
lab = test_bookings.lab
BASE = "/bookings/instruments/cyto.aria/manage/"
ROLES = ["manager", "other_manager", "member", "staff"]
ALLOWED = {"manager", "staff"}


@pytest.fixture
def world(lab):
    other = Platform.objects.create(key="omics", name="Omics", organization=lab["org"])
    lab["other_manager"] = make_user("other@b.example", Role.PLATFORM_MANAGER)
    other.managers.add(lab["other_manager"])
    lab["trainee"] = make_user("trainee@b.example", Role.MEMBER)
    lab["trainee"].full_name = "Camille Trainee"
    lab["trainee"].save()
    return lab


def local(dt):
    return dt.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def soon(days, hour):
    """The `days`-th working day from today (the instrument opens Monday to Friday), at `hour` in Paris."""
    day = timezone.localdate()
    for _ in range(days):
        day += timedelta(days=1)
        while day.isoweekday() > 5:
            day += timedelta(days=1)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour), PARIS)


def post(client, world, who, path, data, lang="en"):
    client.force_login(world[who])
    return client.post(BASE + path, data, HTTP_ACCEPT_LANGUAGE=lang)


def audited(action):
    return AuditEvent.objects.filter(action=action).count()


@pytest.mark.parametrize("who", ROLES)
def test_the_manage_page_opens_to_this_platforms_managers_and_staff_only(client, world, who):
    client.force_login(world[who])
    response = client.get(BASE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == (200 if who in ALLOWED else 403)
    if who in ALLOWED:
        page = response.content.decode()
        for form in ("training-form", "blackout-form", "rules-form", "instrument-feed-create"):
            assert f'id="{form}"' in page


def test_the_calendar_links_managers_to_the_manage_page(client, world):
    client.force_login(world["manager"])
    assert BASE in client.get("/bookings/instruments/cyto.aria/").content.decode()
    client.force_login(world["other_manager"])
    assert BASE not in client.get("/bookings/instruments/cyto.aria/").content.decode()


@pytest.mark.parametrize("who", ROLES)
def test_grant_a_training_by_role(client, world, who):
    expires = (timezone.localdate() + timedelta(days=90)).isoformat()
    response = post(client, world, who, "trainings/", {"person": "trainee@b.example", "expires_at": expires})
    trainings = TrainingAuthorization.objects.filter(user=world["trainee"])
    if who in ALLOWED:
        assert response.status_code == 302
        training = trainings.get()
        assert training.granted_by == world[who]
        assert training.expires_at.astimezone(PARIS).date().isoformat() == expires
        assert audited("training.grant") == 1
        assert services.is_trained(world["trainee"], world["instrument"])
    else:
        assert response.status_code == 403 and not trainings.exists() and audited("training.grant") == 0


def test_grant_finds_the_person_by_name_among_members(client, world):
    response = post(client, world, "manager", "trainings/", {"person": "camille"})
    assert response.status_code == 302
    assert TrainingAuthorization.objects.get().user == world["trainee"]


@pytest.mark.parametrize("who", ROLES)
def test_revoke_a_training_by_role(client, world, who):
    training = services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
    response = post(client, world, who, f"trainings/{training.pk}/revoke/", {"reason": "Left the lab"})
    training.refresh_from_db()
    if who in ALLOWED:
        assert response.status_code == 302 and training.revoked_at and training.revoke_reason == "Left the lab"
        event = AuditEvent.objects.get(action="training.revoke")
        assert event.changes["reason"] == [None, "Left the lab"] and event.actor == world[who]
        assert not services.is_trained(world["trainee"], world["instrument"])
        client.force_login(world["trainee"])  # the trainee reads why on "My bookings"
        assert "Left the lab" in client.get("/bookings/mine/").content.decode()
    else:
        assert response.status_code == 403 and training.revoked_at is None and audited("training.revoke") == 0


def test_a_training_of_another_instrument_cannot_be_revoked_from_this_one(client, world):
    from guichet.platforms.models import Instrument

    other = Instrument.objects.create(key="cyto.lsr", name="LSR", platform=world["platform"])
    training = services.training_grant(actor=world["manager"], user=world["trainee"], instrument=other)
    assert post(client, world, "manager", f"trainings/{training.pk}/revoke/", {"reason": "x"}).status_code == 404
    training.refresh_from_db()
    assert training.revoked_at is None


@pytest.mark.parametrize("who", ROLES)
def test_declare_maintenance_by_role(client, world, who):
    data = {"start": local(soon(3, 8)), "end": local(soon(3, 12)), "reason": "Laser alignment"}
    response = post(client, world, who, "maintenance/", data)
    blackouts = Booking.objects.filter(kind=Booking.Kind.BLACKOUT)
    if who in ALLOWED:
        assert response.status_code == 302
        blackout = blackouts.get()
        assert blackout.start == soon(3, 8) and blackout.end == soon(3, 12) and blackout.note == "Laser alignment"
        assert audited("blackout.create") == 1
    else:
        assert response.status_code == 403 and not blackouts.exists()


@pytest.mark.parametrize("who", ROLES)
def test_remove_a_maintenance_period_by_role(client, world, who):
    blackout = services.blackout_create(actor=world["manager"], instrument=world["instrument"], start=soon(3, 8),
                                        end=soon(3, 12))
    response = post(client, world, who, f"maintenance/{blackout.pk}/cancel/", {})
    blackout.refresh_from_db()
    if who in ALLOWED:
        assert response.status_code == 302 and blackout.status == "cancelled"
        assert AuditEvent.objects.filter(action="booking.cancelled", entity_key=str(blackout.pk)).exists()
        services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
        services.booking_create(actor=world["trainee"], instrument=world["instrument"], start=soon(3, 9),
                                end=soon(3, 10))  # bookable again
    else:
        assert response.status_code == 403 and blackout.status == "confirmed"


def test_a_booking_is_not_removed_as_a_maintenance_period(client, world):
    services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
    booking = services.booking_create(actor=world["trainee"], instrument=world["instrument"], start=soon(3, 9),
                                      end=soon(3, 10))
    assert post(client, world, "manager", f"maintenance/{booking.pk}/cancel/", {}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "confirmed"


@pytest.mark.parametrize("who", ROLES)
def test_instrument_feed_create_rotate_and_revoke_by_role(client, world, who):
    client.force_login(world[who])
    response = client.post("/bookings/feeds/new/", {"instrument": "cyto.aria", "next": BASE + "#feed"})
    if who not in ALLOWED:
        assert response.status_code == 403 and not FeedToken.objects.exists()
        return
    assert response.status_code == 302 and response["Location"] == BASE + "#feed"
    first = FeedToken.objects.get(instrument=world["instrument"], revoked_at=None)
    page = client.get(BASE).content.decode()
    assert f"http://testserver/bookings/feeds/{first.token}.ics" in page and 'data-copy="instrument-feed-url"' in page
    client.post("/bookings/feeds/new/", {"instrument": "cyto.aria"})  # rotate
    second = FeedToken.objects.get(instrument=world["instrument"], revoked_at=None)
    assert second != first
    assert client.get(f"/bookings/feeds/{first.token}.ics").status_code == 404
    assert client.get(f"/bookings/feeds/{second.token}.ics").status_code == 200
    client.post(f"/bookings/feeds/{second.pk}/revoke/")
    assert client.get(f"/bookings/feeds/{second.token}.ics").status_code == 404
    assert [e.action for e in AuditEvent.objects.filter(entity_type="feed_token").order_by("id")] == [
        "feed.create", "feed.rotate", "feed.revoke"]
    assert not any(first.token in str(e.changes) for e in AuditEvent.objects.all())  # the secret is not logged


def test_nobody_revokes_someone_elses_feed(client, world):
    token = services.feed_token_rotate(actor=world["manager"], instrument=world["instrument"])
    client.force_login(world["staff"])
    assert client.post(f"/bookings/feeds/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_instrument_feed_parses_with_bookings_and_maintenance(client, world):
    services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
    booking = services.booking_create(actor=world["trainee"], instrument=world["instrument"], start=soon(4, 10),
                                      end=soon(4, 12))
    services.blackout_create(actor=world["manager"], instrument=world["instrument"], start=soon(5, 8),
                             end=soon(5, 18), reason="Annual service")
    token = services.feed_token_rotate(actor=world["manager"], instrument=world["instrument"])
    response = client.get(f"/bookings/feeds/{token.token}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Sorter"
    events = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert len(events) == 2
    mine = events[f"booking-{booking.pk}"]
    assert mine.decoded("dtstart") == soon(4, 10) and str(mine["dtstart"].params["TZID"]) == "Europe/Paris"
    assert "Camille Trainee" in str(mine["summary"])  # the manager's feed names who booked
    maintenance = [e for k, e in events.items() if k != f"booking-{booking.pk}"][0]
    assert "maintenance" in str(maintenance["summary"]) and maintenance.decoded("dtend") == soon(5, 18)


# --- bad input: a translated error naming the field, nothing written ---------------------------------------

def test_grant_refusals_name_their_field(client, world):
    make_user("camille.other@b.example", Role.MEMBER).__class__.objects.filter(
        email="camille.other@b.example").update(full_name="Camille Other")
    guest = make_user("guest@b.example", Role.GUEST)
    cases = [
        ({"person": ""}, "person", "This field is required", "Ce champ est obligatoire"),
        ({"person": "nobody@nowhere.example"}, "person", "No member of the network matches",
         "Aucun membre du réseau"),
        ({"person": "camille"}, "person", "Several members match", "Plusieurs membres"),
        ({"person": guest.email}, "person", "No member of the network matches", "Aucun membre du réseau"),
        ({"person": "x" * 300}, "person", "at most 254 characters", "254 caractères"),
        ({"person": "trainee@b.example", "expires_at": "31/31/2027"}, "expires_at", "Enter a valid date",
         "Saisissez une date valide"),
        ({"person": "trainee@b.example", "expires_at": "2020-01-01"}, "expires_at", "A training expires after today",
         "Une formation expire après aujourd"),
        ({"person": "trainee@b.example", "expires_at": "9999-01-01"}, "expires_at", "Give a date between", "Indiquez une date entre"),
    ]
    for data, field, english, french in cases:
        for lang, message in (("en", english), ("fr", french)):
            response = post(client, world, "manager", "trainings/", data, lang)
            assert response.status_code == 400, data
            assert list(response.context["training_form"].errors) == [field], data
            html = response.content.decode().split('id="training-form"')[1].split("</form>")[0]
            assert message in html, (data, lang, html)
    assert not TrainingAuthorization.objects.exists() and audited("training.grant") == 0


def test_revoke_refusals_name_their_field(client, world):
    training = services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
    for data, english, french in [({"reason": ""}, "This field is required", "Ce champ est obligatoire"),
                                  ({"reason": "   "}, "This field is required", "Ce champ est obligatoire"),
                                  ({"reason": "x" * 301}, "at most 300 characters", "300 caractères")]:
        for lang, message in (("en", english), ("fr", french)):
            response = post(client, world, "manager", f"trainings/{training.pk}/revoke/", data, lang)
            assert response.status_code == 400
            assert response.context["revoke_form"].errors["reason"]
            html = response.content.decode().split(f'id="revoke-{training.pk}"')[1].split("</form>")[0]
            assert message in html and 'aria-invalid="true"' in html
    training.refresh_from_db()
    assert training.revoked_at is None and audited("training.revoke") == 0


def test_revoking_twice_is_refused_on_the_reason(client, world):
    training = services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
    services.training_revoke(actor=world["manager"], training=training, reason="first")
    with pytest.raises(services.BookingError) as refused:
        services.training_revoke(actor=world["manager"], training=training, reason="second")
    assert refused.value.field == "reason"
    training.refresh_from_db()
    assert training.revoke_reason == "first"


def test_maintenance_refusals_name_their_field(client, world):
    start, end = local(soon(3, 8)), local(soon(3, 12))
    past = timezone.localtime() - timedelta(days=2)
    cases = [
        ({"start": "", "end": end}, "start", "This field is required", "Ce champ est obligatoire"),
        ({"start": "tomorrow", "end": end}, "start", "Enter a valid date/time", "Saisissez une date et une heure"),
        ({"start": start, "end": "2027-13-01T10:00"}, "end", "Enter a valid date/time",
         "Saisissez une date et une heure"),
        ({"start": end, "end": start}, "end", "The end must be after the start", "La fin doit"),
        ({"start": local(past - timedelta(hours=3)), "end": local(past)}, "end",
         "A maintenance period ends in the future", "Une période de maintenance se termine dans le futur"),
        ({"start": "9999-01-01T08:00", "end": "9999-01-01T09:00"}, "start", "Give a date between", "Indiquez une date entre"),
        ({"start": start, "end": end, "reason": "x" * 301}, "reason", "at most 300 characters", "300 caractères"),
    ]
    for data, field, english, french in cases:
        for lang, message in (("en", english), ("fr", french)):
            response = post(client, world, "manager", "maintenance/", data, lang)
            assert response.status_code == 400, data
            assert field in response.context["blackout_form"].errors, (data, response.context["blackout_form"].errors)
            html = response.content.decode().split('id="blackout-form"')[1].split("</form>")[0]
            assert message in html, (data, lang)
    assert not Booking.objects.exists() and audited("blackout.create") == 0


def test_bad_booking_numbers_in_a_confirmation_are_a_400(client, world):
    response = post(client, world, "manager", "maintenance/",
                    {"start": local(soon(3, 8)), "end": local(soon(3, 12)), "cancel": "1; drop"})
    assert response.status_code == 400 and not Booking.objects.exists()


# --- maintenance over bookings: refused, then cancelled once the manager confirms ---------------------------

def test_maintenance_over_a_confirmed_booking_asks_then_cancels_and_tells(client, world,
                                                                           django_capture_on_commit_callbacks):
    services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
    taken = services.booking_create(actor=world["trainee"], instrument=world["instrument"], start=soon(3, 10),
                                    end=soon(3, 11))
    data = {"start": local(soon(3, 8)), "end": local(soon(3, 12)), "reason": "Laser failure"}
    response = post(client, world, "manager", "maintenance/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "1 booking stands in this period" in page and "trainee@b.example" in page
    assert f'name="cancel" value="{taken.pk}"' in page
    taken.refresh_from_db()
    assert taken.status == "confirmed" and not Booking.objects.filter(kind="blackout").exists()
    for forged in ("²", "9" * 19):  # the 400 naming `cancel`, not a 500, and nothing written
        response = post(client, world, "manager", "maintenance/", {**data, "cancel": [forged]})
        assert response.status_code == 400 and "given by their numbers" in response.content.decode(), forged
    assert not Booking.objects.filter(kind="blackout").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world, "manager", "maintenance/", {**data, "cancel": [str(taken.pk)]})
    assert response.status_code == 302
    taken.refresh_from_db()
    assert taken.status == "cancelled" and taken.decided_by == world["manager"]
    assert Booking.objects.get(kind="blackout").note == "Laser failure"
    assert [m.to for m in mail.outbox] == [["trainee@b.example"]]
    assert "Laser failure" in mail.outbox[0].body and "maintenance" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="booking.cancelled", entity_key=str(taken.pk)).exists()
    assert AuditEvent.objects.get(action="blackout.create").changes["cancelled_bookings"] == [None, [taken.pk]]


def test_a_booking_taken_after_the_confirmation_is_never_cancelled_unseen(world):
    services.training_grant(actor=world["manager"], user=world["trainee"], instrument=world["instrument"])
    seen = services.booking_create(actor=world["trainee"], instrument=world["instrument"], start=soon(3, 9),
                                   end=soon(3, 10))
    unseen = services.booking_create(actor=world["trainee"], instrument=world["instrument"], start=soon(3, 14), end=soon(3, 15))
    with pytest.raises(services.MaintenanceOverlaps) as refused:
        services.blackout_create(actor=world["manager"], instrument=world["instrument"], start=soon(3, 8),
                                 end=soon(3, 18), cancel_bookings=[seen.pk])
    assert [b.pk for b in refused.value.bookings] == [seen.pk, unseen.pk]
    assert set(Booking.objects.filter(kind="booking").values_list("status", flat=True)) == {"confirmed"}
    assert not Booking.objects.filter(kind="blackout").exists()


def test_maintenance_over_another_maintenance_is_refused(world):
    services.blackout_create(actor=world["manager"], instrument=world["instrument"], start=soon(3, 8),
                             end=soon(3, 12))
    with pytest.raises(services.SlotUnavailable) as refused:
        services.blackout_create(actor=world["manager"], instrument=world["instrument"], start=soon(3, 10),
                                 end=soon(3, 14))
    assert refused.value.field == "start" and Booking.objects.count() == 1


def test_training_list_says_each_expiry_status(client, world):
    now = timezone.now()
    people = {state: make_user(f"{state}@b.example", Role.MEMBER) for state in ("valid", "expiring", "expired",
                                                                                   "revoked", "forever")}
    expiry = {"valid": now + timedelta(days=200), "expiring": now + timedelta(days=10),
              "expired": now + timedelta(days=1), "revoked": now + timedelta(days=200), "forever": None}
    for state, user in people.items():
        t = services.training_grant(actor=world["manager"], user=user, instrument=world["instrument"],
                                    expires_at=expiry[state])
        if state == "revoked":
            services.training_revoke(actor=world["manager"], training=t, reason="Safety incident")
    TrainingAuthorization.objects.filter(user=people["expired"]).update(expires_at=now - timedelta(days=1))
    client.force_login(world["manager"])
    for lang, labels in (("en", ["Valid until", "Expires soon", "Expired", "Revoked", "Valid, no expiry"]),
                         ("fr", ["Valide jusqu’au", "Expire bientôt", "Expirée", "Révoquée", "Valide, sans expiration"])):
        html = client.get(BASE, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        rows = {state: html.split(f"{state}@b.example")[1].split("</tr>")[0] for state in people}
        for state, label in zip(("valid", "expiring", "expired", "revoked", "forever"), labels, strict=True):
            assert label in rows[state], (lang, state)
        assert "Safety incident" in rows["revoked"]
        assert 'id="revoke-' not in rows["revoked"]
