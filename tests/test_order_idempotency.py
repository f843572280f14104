"""`Idempotency-Key` on POST /api/v1/orders (issue 13), through the bookings API's mechanism (core/idempotency.py):
a retry answers the same order and never places a second one, even when both copies arrive at once; the same
key with another body is a 422; a refused order stores no key.

The race uses real threads against the real database (a file on SQLite, the server on PostgreSQL), as
tests/test_idempotency.py does for bookings."""

import json

import pytest
from django.test import Client

from guichet.accounts.services import api_token_create
from guichet.bookings.models import ServiceOrder
from guichet.core.models import AuditEvent, IdempotencyKey
from guichet.facility.models import SampleAnswer

from . import test_bookings, test_sample_forms
from .races import race

lab, form, good = test_bookings.lab, test_sample_forms.form, test_sample_forms.good
THREADS = 8


@pytest.fixture
def tokens(lab):
    return {who: api_token_create(actor=lab[who], name="lims")[1] for who in ("member", "outsider")}


def body(form, **over):
    return {"service": "cyto.sort", "description": "Sort NK cells", "quantity": 2, "answers": good(form), **over}


def post(token, payload, key=None, client=None, language="en"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": language}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return (client or Client()).post("/api/v1/orders", json.dumps(payload), content_type="application/json",
                                     **headers)


@pytest.mark.django_db(transaction=True)
def test_a_retry_with_the_same_key_answers_the_same_order(lab, form, tokens):
    first = post(tokens["member"], body(form), key="order-1")
    again = post(tokens["member"], body(form, quantity="2.0"), key="order-1")  # 2 and "2.0": the same request
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json() and len(first.json()["answers"]) == 4
    assert ServiceOrder.objects.count() == 1 and SampleAnswer.objects.count() == 4
    assert AuditEvent.objects.filter(action="order.create").count() == 1
    # Without a key, the same request is a second order (an order has no slot to conflict on).
    assert post(tokens["member"], body(form)).status_code == 201 and ServiceOrder.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "words"), [("en", "different request"), ("fr", "autre requête")])
def test_the_same_key_with_another_body_is_refused_and_places_nothing(lab, form, tokens, language, words):
    assert post(tokens["member"], body(form), key="k-1").status_code == 201
    other = post(tokens["member"], body(form, quantity=3), key="k-1", language=language)
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key" and words in other.json()["detail"]
    assert ServiceOrder.objects.count() == 1 and ServiceOrder.objects.get().quantity == 2
    # Another member's key of the same name is another key.
    assert post(tokens["outsider"], body(form, quantity=3), key="k-1").status_code == 201
    assert IdempotencyKey.objects.filter(key="k-1", scope="orders.create").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_refused_order_stores_no_key_and_its_retry_is_judged_again(lab, form, tokens):
    from guichet.facility import samples

    bad = {**good(form), samples.input_name(form["count"]): "500"}  # above the question's bound
    refused = post(tokens["member"], body(form, answers=bad), key="late")
    assert (refused.status_code, refused.json()["field"]) == (422, samples.input_name(form["count"]))
    assert not IdempotencyKey.objects.exists() and not ServiceOrder.objects.exists()
    form["count"].max_value = 1000
    form["count"].save()
    assert post(tokens["member"], body(form, answers=bad), key="late").status_code == 201


@pytest.mark.slow  # threads racing
@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_with_one_key_place_one_order_and_all_get_its_answer(lab, form, tokens):
    """THREADS copies of one request at once (a client retrying on a timeout while the first still runs)."""
    payload = body(form)

    def retry(i):
        response = post(tokens["member"], payload, key="same-key", client=Client())
        return response.status_code, response.json()

    answers, errors = race(retry, THREADS)
    assert errors == []
    assert len(answers) == THREADS
    assert {status for status, _ in answers} == {201}, answers
    assert len({json.dumps(b, sort_keys=True) for _, b in answers}) == 1
    assert ServiceOrder.objects.count() == 1 and SampleAnswer.objects.count() == 4
    assert AuditEvent.objects.filter(action="order.create").count() == 1
    assert IdempotencyKey.objects.filter(scope="orders.create").count() == 1
