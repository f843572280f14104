"""`Idempotency-Key` on POST /api/v1/bookings (issue 9, Operations): a retry never books twice and never meets
its own booking as a conflict; the same key with another body is a 422; keys expire.

The races use real threads against the real database (a file on SQLite, the server on PostgreSQL), as
tests/test_booking_concurrency.py does.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.accounts.services import api_token_create
from guichet.bookings.models import Booking
from guichet.core.models import IdempotencyKey
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user
from .races import next_monday, race

THREADS = 20


@pytest.fixture
def lab(transactional_db):
    org = Organization.objects.create(key="idem-lab", name="Idem lab", kind="research_lab")
    platform = Platform.objects.create(key="idem", name="Idem platform", organization=org)
    instrument = Instrument.objects.create(key="idem.sorter", name="Sorter", platform=platform)
    member = make_user("idem@test.example", Role.MEMBER)
    other = make_user("other@test.example", Role.MEMBER)
    return {"instrument": instrument, "member": member, "token": api_token_create(actor=member, name="t")[1],
            "other_token": api_token_create(actor=other, name="t")[1]}


def body(start, hours=1):
    return {"instrument": "idem.sorter", "start": start.isoformat(), "end": (start + timedelta(hours=hours)).isoformat()}


def post(token, payload, key=None, client=None, language="en"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": language}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return (client or Client()).post("/api/v1/bookings", json.dumps(payload), content_type="application/json",
                                     **headers)


def live_bookings():
    return Booking.objects.filter(kind=Booking.Kind.BOOKING, status__in=Booking.LIVE).count()


@pytest.mark.django_db(transaction=True)
def test_a_retry_with_the_same_key_answers_the_same_booking(lab):
    payload = body(next_monday())
    first = post(lab["token"], payload, key="a1b2")
    again = post(lab["token"], payload, key="a1b2")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and first.json()["instrument"] == "idem.sorter"
    assert live_bookings() == 1
    # Without a key the same request is a second attempt at the slot: taken (409), as before.
    assert post(lab["token"], payload).status_code == 409


@pytest.mark.django_db(transaction=True)
def test_the_same_key_with_another_body_is_refused_and_books_nothing(lab):
    start = next_monday()
    assert post(lab["token"], body(start), key="k-1").status_code == 201
    other = post(lab["token"], body(start + timedelta(hours=3)), key="k-1", language="fr")
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key" and "autre requête" in other.json()["detail"]
    assert live_bookings() == 1


@pytest.mark.django_db(transaction=True)
def test_keys_belong_to_their_user_and_expire(lab):
    start = next_monday()
    assert post(lab["token"], body(start), key="shared").status_code == 201
    # Another member's key of the same name is another key: their own request runs (the slot is taken).
    assert post(lab["other_token"], body(start), key="shared").status_code == 409
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    later = post(lab["token"], body(start + timedelta(hours=3)), key="shared")
    assert later.status_code == 201 and live_bookings() == 2  # an expired key is free again
    assert IdempotencyKey.objects.filter(key="shared").count() == 1  # the expired row is gone


@pytest.mark.django_db(transaction=True)
def test_a_refused_request_stores_nothing_and_its_retry_is_judged_again(lab):
    start = next_monday()
    assert post(lab["other_token"], body(start)).status_code == 201
    assert post(lab["token"], body(start), key="late").status_code == 409
    assert not IdempotencyKey.objects.exists()
    Booking.objects.update(status=Booking.Status.CANCELLED)
    assert post(lab["token"], body(start), key="late").status_code == 201


def test_the_header_is_in_the_schema(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/bookings"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and not header["required"] and header["schema"]["pattern"]
    assert "Idempotency-Key" in operation["description"]


@pytest.mark.slow  # threads racing
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_booking_and_all_get_its_answer(lab):
    """THREADS copies of one request at once (a client retrying on a timeout while the first still runs)."""
    payload = body(next_monday(14))

    def retry(i):
        response = post(lab["token"], payload, key="same-key", client=Client())
        return response.status_code, response.json()

    answers, errors = race(retry, THREADS)
    assert errors == []
    assert len(answers) == THREADS
    statuses = {status for status, _ in answers}
    assert statuses == {201}, statuses  # never a 409 against its own booking
    assert len({json.dumps(b, sort_keys=True) for _, b in answers}) == 1
    assert live_bookings() == 1 and IdempotencyKey.objects.count() == 1
