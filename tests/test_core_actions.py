"""core.actions: the one shape of a page's POST that calls a service (`attempt`) and of a form's POST
(`attempt_form`). A refusal is said on the page; a "not allowed" one is the 403 page."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from guichet.core.actions import attempt, attempt_form, refused_on_form
from guichet.core.errors import Refused


class Refusal(Refused):
    pass


class Forbidden(Refusal):  # as every app's NotAllowed: also one of its refusals
    pass


def _request():
    request = RequestFactory().post("/somewhere/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _raise(exc):
    def call(*_args):
        raise exc
    return call


def test_attempt_says_the_success_and_redirects():
    request = _request()
    response = attempt(request, lambda: 3, lambda n: f"{n} done", "/back/")
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert _said(request) == [("success", "3 done")]


def test_attempt_says_a_refusal_as_the_service_worded_it():
    request = _request()
    response = attempt(request, _raise(Refusal("Quantity: too many.")), "done", "/back/", refusals=(Refusal,))
    assert response["Location"] == "/back/"
    assert _said(request) == [("error", "Quantity: too many.")]


def test_attempt_forbidden_refusal_is_the_403_page_and_says_nothing():
    request = _request()
    with pytest.raises(PermissionDenied):
        attempt(request, _raise(Forbidden("no")), "done", "/back/", refusals=(Refusal,), forbidden=(Forbidden,))
    assert _said(request) == []


def test_attempt_without_forbidden_says_a_not_allowed_like_any_refusal():
    request = _request()
    attempt(request, _raise(Forbidden("no")), "done", "/back/", refusals=(Refusal,))
    assert _said(request) == [("error", "no")]


def test_attempt_returns_a_response_given_as_back_and_lets_other_errors_through():
    request = _request()
    back = HttpResponse("here")
    assert attempt(request, lambda: None, "", back) is back and _said(request) == []
    with pytest.raises(ValueError):
        attempt(request, _raise(ValueError("bug")), "done", back)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label="Quantity")
    day = forms.DateField(label="Day", required=False)


def _page(form):
    return HttpResponse(f"again: {dict(form.errors)}", status=400)


def test_attempt_form_calls_the_service_with_the_valid_data_then_says_and_redirects():
    request, called = _request(), []
    response = attempt_form(request, QuantityForm({"quantity": "3"}), lambda data: called.append(data) or data,
                            lambda data: f"{data['quantity']} taken", lambda data: f"/back/{data['quantity']}/",
                            _page)
    assert called == [{"quantity": 3, "day": None}]
    assert response.status_code == 302 and response["Location"] == "/back/3/"
    assert _said(request) == [("success", "3 taken")]


def test_attempt_form_shows_an_invalid_form_again_without_calling():
    request = _request()
    response = attempt_form(request, QuantityForm({"quantity": "many"}), _raise(AssertionError), "done", "/back/",
                            _page)
    assert response.status_code == 400 and "quantity" in response.content.decode() and _said(request) == []


def test_attempt_form_puts_a_refusal_under_its_field_renamed_or_at_the_top():
    form = QuantityForm({"quantity": "3"})
    attempt_form(_request(), form, _raise(Refusal("Too many.", "quantity")), "done", "/back/", _page,
                 refusals=(Refusal,))
    assert form.errors == {"quantity": ["Too many."]}
    form = QuantityForm({"quantity": "3"})
    attempt_form(_request(), form, _raise(Refusal("Too late.", "expected_on")), "done", "/back/", _page,
                 refusals=(Refusal,), fields={"expected_on": "day"})
    assert form.errors == {"day": ["Too late."]}
    form = QuantityForm({"quantity": "3"})
    response = attempt_form(_request(), form, _raise(Refusal("Closed.", "instrument")), "done", "/back/", _page,
                            refusals=(Refusal,))
    assert response.status_code == 400 and form.errors == {"__all__": ["Closed."]}


def test_attempt_form_forbidden_refusal_is_the_403_page():
    with pytest.raises(PermissionDenied):
        attempt_form(_request(), QuantityForm({"quantity": "3"}), _raise(Forbidden("no", "quantity")), "done",
                     "/back/", _page, refusals=(Refusal,), forbidden=(Forbidden,))


def test_attempt_then_is_where_a_success_goes_and_back_where_a_refusal_goes():
    request = _request()
    response = attempt(request, lambda: 7, "", "/back/", then=lambda n: f"/made/{n}/")
    assert response["Location"] == "/made/7/" and _said(request) == []
    response = attempt(request, _raise(Refusal("No.")), "", "/back/", then=lambda n: f"/made/{n}/")
    assert response["Location"] == "/back/" and _said(request) == [("error", "No.")]


def test_attempt_back_given_as_a_function_is_only_rendered_when_needed():
    request, rendered = _request(), []

    def again():
        rendered.append(1)
        return HttpResponse("again", status=400)

    assert attempt(request, lambda: 1, "", again, then=lambda _n: "/done/")["Location"] == "/done/"
    assert rendered == []
    response = attempt(request, _raise(Refusal("No.")), "", again)
    assert response.status_code == 400 and rendered == [1] and _said(request) == [("error", "No.")]


class Conflict(Refusal):
    pass


def test_an_answered_refusal_is_its_own_page_and_says_nothing():
    request = _request()
    response = attempt(request, _raise(Conflict("Taken.")), "done", "/back/", refusals=(Refusal,),
                       answers={Conflict: lambda exc: HttpResponse(str(exc), status=409)})
    assert response.status_code == 409 and response.content == b"Taken." and _said(request) == []
    form = QuantityForm({"quantity": "3"})
    response = attempt_form(request, form, _raise(Conflict("Taken.")), "done", "/back/", _page,
                            refusals=(Refusal,), answers={Conflict: lambda exc: HttpResponse(status=409)})
    assert response.status_code == 409 and not form.errors


def test_refused_on_form_is_the_one_way_a_refusal_lands_on_a_form():
    form = QuantityForm({"quantity": "3"})
    form.is_valid()
    refused_on_form(form, Refusal("Too many.", "quantity"))
    refused_on_form(form, Refusal("Closed.", "instrument"))
    assert form.errors == {"quantity": ["Too many."], "__all__": ["Closed."]}
    with pytest.raises(PermissionDenied):
        refused_on_form(form, Forbidden("no", "quantity"), forbidden=(Forbidden,))
