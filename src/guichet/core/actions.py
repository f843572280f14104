"""The one shape of a page's POST that calls a service: call it, say what happened (the success message, or
the service's refusal as it worded it), redirect. Every app's views use it instead of writing the
try / message / redirect again. A refusal that means "this account may not" (`forbidden`, an app's
`NotAllowed`) is the 403 page instead of a message."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guichet.core.errors import Refused

Exceptions = tuple[type[Exception], ...]
Answers = dict[type[Exception], Callable]  # an exception answered by a page of its own (a conflict, a 429)


def attempt(request, call: Callable, done, back, *, refusals: Exceptions = (Refused,), forbidden: Exceptions = (),
            then: Callable | None = None, answers: Answers | None = None):
    """`call()`; on success the message `done` (a string, or a function of what the call returned; empty for
    none), on a refusal its message as an error; then `back` (a response, what `redirect` takes, or a function
    of nothing giving either: a page rendered again only when needed), or on success `then(result)` when given.
    A `forbidden` refusal (checked first: an app's `NotAllowed` is also its error) raises PermissionDenied, the
    403 page; an exception `answers` names is answered by its function (`answers[type](exc)`, a response: a
    conflict page, a 429), nothing said. Returns the response."""
    try:
        result = call()
    except forbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except tuple(answers or ()) as exc:
        return _answer(answers, exc)
    except refusals as exc:
        messages.error(request, str(exc))
    else:
        _say(request, done, result)
        return _response(then(result) if then is not None else _lazy(back))
    return _response(_lazy(back))


def attempt_form(request, form, call: Callable, done, back, page: Callable, *, refusals: Exceptions = (Refused,),
                 forbidden: Exceptions = (), fields: dict[str, str] | None = None, answers: Answers | None = None):
    """A form's POST that calls a service: `call(form.cleaned_data)` once the form is valid; an invalid form, or
    a refusal (shown under the field it names, renamed by `fields` where the form calls it otherwise; at the
    form's top when the form has no such field), is `page(form)`, the page again with the errors. Otherwise as
    `attempt`; `back` may also be a function of what the call returned."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except forbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except tuple(answers or ()) as exc:
            return _answer(answers, exc)
        except refusals as exc:
            refused_on_form(form, exc, fields=fields)
        else:
            _say(request, done, result)
            return _response(back(result) if callable(back) else back)
    return page(form)


def refused_on_form(form, exc: Exception, *, forbidden: Exceptions = (), fields: dict[str, str] | None = None):
    """A service's refusal shown on the form, under the field it names (renamed by `fields`; at the form's top
    when the form has no such field); a `forbidden` one is the 403 page instead."""
    if isinstance(exc, forbidden):
        raise PermissionDenied(str(exc)) from exc
    field = getattr(exc, "field", "")
    field = (fields or {}).get(field, field)
    form.add_error(field if field in form.fields else None, str(exc))


def _answer(answers: Answers, exc: Exception):
    return next(answer for kind, answer in answers.items() if isinstance(exc, kind))(exc)


def _lazy(back):
    return back() if callable(back) and not isinstance(back, HttpResponse) else back


def _say(request, done, result) -> None:
    text = done(result) if callable(done) else done
    if text:
        messages.success(request, text)


def _response(back):
    return back if isinstance(back, HttpResponse) else redirect(back)


def form_errors_text(form) -> str:
    """An invalid form's errors in one line, each naming its field ("Field: error")."""
    return " ".join(_("%(field)s: %(errors)s") % {"field": form.fields[f].label if f in form.fields else "",
                                                    "errors": " ".join(e)} for f, e in form.errors.items())


def polled(request, template: str, context: dict, *, working: bool):
    """The fragment htmx polls while a job runs (an import, an assessment, a report); once the job is over
    it tells the page to reload and show the result."""
    response = render(request, template, context)
    if not working:
        response["HX-Refresh"] = "true"
    return response
