"""The one error body of the API, for every error status, in the request's language.

`LocaleMiddleware` picks the language from `Accept-Language` (or the language cookie); every message here,
the validation messages included, is ours and translated, so an answer never mixes French and English
(pydantic's own messages are English only: they are replaced by `validation_errors`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema


class FieldError(Schema):
    field: str = Field(..., description="Where: the body field, query or path parameter (dotted for nested).")
    code: str = Field(..., description="Stable machine code of the problem (pydantic's error type).")
    message: str = Field(..., description="What is wrong, in the request's language.")


class Error(Schema):
    detail: str = Field(..., description="What went wrong, in the request's language (Accept-Language).")
    field: str = Field("", description="The field at fault, when there is one.")
    errors: list[FieldError] = Field([], description="Every invalid field (422).")


def errors(*statuses: int) -> dict[int, type[Error]]:
    """`response={200: Out, **errors(401, 404)}`: the statuses an operation may answer besides success."""
    return {status: Error for status in statuses}


# Messages for pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/); the context
# names (max_length, ge...) are pydantic's.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("Not in the expected format."),
    "string_type": gettext_lazy("A text is expected."),
    "int_type": gettext_lazy("A whole number is expected."),
    "int_parsing": gettext_lazy("A whole number is expected."),
    "int_from_float": gettext_lazy("A whole number is expected."),
    "float_type": gettext_lazy("A number is expected."),
    "float_parsing": gettext_lazy("A number is expected."),
    "bool_type": gettext_lazy("true or false is expected."),
    "bool_parsing": gettext_lazy("true or false is expected."),
    "greater_than_equal": gettext_lazy("At least %(ge)s."),
    "greater_than": gettext_lazy("More than %(gt)s."),
    "less_than_equal": gettext_lazy("At most %(le)s."),
    "less_than": gettext_lazy("Less than %(lt)s."),
    "enum": gettext_lazy("Not one of the allowed values: %(expected)s."),
    "literal_error": gettext_lazy("Not one of the allowed values: %(expected)s."),
    "date_type": gettext_lazy("A date (YYYY-MM-DD) is expected."),
    "date_parsing": gettext_lazy("A date (YYYY-MM-DD) is expected."),
    "date_from_datetime_parsing": gettext_lazy("A date (YYYY-MM-DD) is expected."),
    "date_from_datetime_inexact": gettext_lazy("A date (YYYY-MM-DD) is expected."),
    "datetime_type": gettext_lazy("A date and time (ISO 8601) is expected."),
    "datetime_parsing": gettext_lazy("A date and time (ISO 8601) is expected."),
    "datetime_from_date_parsing": gettext_lazy("A date and time (ISO 8601) is expected."),
    "timezone_aware": gettext_lazy("A date and time with its time zone is expected."),
    "list_type": gettext_lazy("A list is expected."),
    "dict_type": gettext_lazy("An object is expected."),
    "model_attributes_type": gettext_lazy("An object is expected."),
    "model_type": gettext_lazy("An object is expected."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "string_nul": gettext_lazy("Contains a NUL character, which cannot be stored; remove it."),  # api_types.NoNul
    # --- orders API (issue 13) --- facility/api.py Quantity: the order page's words (bookings.orders.order_create)
    "order_quantity": gettext_lazy("Give a quantity above 0 and at most %(max)s."),
}
# Where ninja says an error is: the first item; for a body, the second is the view's argument name.
_LOCATIONS = {"body": 2, "query": 1, "path": 1, "header": 1, "cookie": 1, "form": 2, "file": 1}


def _field(loc) -> str:
    loc = list(loc or [])
    skip = _LOCATIONS.get(str(loc[0]), 1) if loc else 0
    return ".".join(str(x) for x in loc[skip:]) or (str(loc[-1]) if loc else "")


def validation_errors(raw: list[dict]) -> list[dict]:
    result = []
    for error in raw:
        code = str(error.get("type", ""))
        template = VALIDATION_MESSAGES.get(code)
        context = {k: (", ".join(map(str, v)) if isinstance(v, list | tuple) else v)
                   for k, v in (error.get("ctx") or {}).items()}
        try:
            message = str(template) % context if template is not None else _("Invalid value.")
        except (KeyError, TypeError, ValueError):
            message = _("Invalid value.")
        result.append({"field": _field(error.get("loc")), "code": code, "message": message})
    return result
