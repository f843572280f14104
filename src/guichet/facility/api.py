"""Recurring bookings in the API: preview a series, book it (all, or the free ones), read it, cancel the rest."""

import base64
import binascii
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Router, Schema
from pydantic import BeforeValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from guichet.bookings import orders
from guichet.bookings import permissions as booking_permissions
from guichet.bookings import selectors as booking_selectors
from guichet.bookings import services as booking_services
from guichet.bookings.api import MAX_ID, YEAR_2000S, BookingOut, _out
from guichet.bookings.models import Booking
from guichet.core import api_types, bounds, idempotency
from guichet.core.api_auth import MEMBERS, MEMBERS_WRITE, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money
from guichet.directory.models import KEY_PATTERN
from guichet.directory.selectors import valid_key_or_404
from guichet.groups import selectors as group_selectors
from guichet.platforms.models import Instrument, Platform, Service

from . import consumables, recurrence, samples, selectors, series
from .models import Consumable

router = Router(tags=["bookings"])


class SeriesIn(Schema):
    instrument: str = Field(..., description="the instrument's key", pattern=KEY_PATTERN)
    start: datetime = Field(..., description="the first occurrence, ISO 8601 with its offset; the series keeps its "
                                             "Paris wall-clock time across DST changes",
                            json_schema_extra={"pattern": YEAR_2000S})
    duration_minutes: int = Field(..., ge=1, le=24 * 60)
    rule: Annotated[str, api_types.NoNul] = Field(..., min_length=1, max_length=recurrence.RULE_MAX, pattern=api_types.NO_NUL,
                      description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=10 (DAILY, WEEKLY "
                                  "or MONTHLY; COUNT or UNTIL; at most 104 occurrences)")
    cost_centre: Annotated[str, api_types.NoNul] = Field("", max_length=60, pattern=api_types.NO_NUL)


class SeriesBookIn(SeriesIn):
    only_free: bool = Field(False, description="book the free occurrences and skip the others; otherwise every "
                                               "occurrence must be free (409 if one is not, nothing booked)")


class OccurrenceOut(Schema):
    start: datetime
    end: datetime
    state: str = Field(..., description="free, taken or outside (the instrument's rules or the caller's training)")
    reason: str


class PreviewOut(Schema):
    rule: str
    occurrences: list[OccurrenceOut]


class SeriesOut(Schema):
    id: int
    instrument: str
    rule: str
    bookings: list[BookingOut]
    skipped: list[OccurrenceOut] = Field(..., description="occurrences not booked (on creation only)")


class CancelIn(Schema):
    from_booking: int = Field(..., ge=1, le=MAX_ID, description="this occurrence and every later one are cancelled")


class CancelledOut(Schema):
    cancelled: list[BookingOut]


def _occ(o: series.Occurrence) -> dict:
    return {"start": o.start, "end": o.end, "state": o.state, "reason": o.reason}


def _instrument(key: str) -> Instrument:
    try:
        return Instrument.objects.select_related("platform").get(key=valid_key_or_404(key))
    except (Instrument.DoesNotExist, Http404):
        raise Http404 from None


def _args(payload: SeriesIn) -> dict:
    return {"instrument": _instrument(payload.instrument), "first_start": payload.start,
            "duration_minutes": payload.duration_minutes, "rule": payload.rule, "cost_centre": payload.cost_centre}


@router.post("/preview", response={200: PreviewOut, **errors(400, 401, 403, 404, 409, 422)}, auth=MEMBERS_WRITE,
             summary="Preview a recurring booking",
             description="Each occurrence of the rule from `start`, as free, taken or outside; nothing is booked. "
                         "409: the rule or the duration cannot be used (`field` says which).")
def preview_series(request, payload: SeriesIn):
    rule, planned = series.series_preview(actor=api_user(request), **_args(payload))
    return 200, {"rule": rule, "occurrences": [_occ(o) for o in planned]}


@router.post("", response={201: SeriesOut, **errors(400, 401, 403, 404, 409, 422)}, auth=MEMBERS_WRITE,
             summary="Book a recurring series",
             description="201: booked; `skipped` lists the occurrences not booked (with `only_free`). 409: an "
                         "occurrence is not free (without `only_free`), none is free, or the rule cannot be used. "
                         "403: not a member.")
def create_series(request, payload: SeriesBookIn):
    created, planned = series.series_create(actor=api_user(request), only_free=payload.only_free, **_args(payload))
    return 201, {"id": created.pk, "instrument": created.instrument.key, "rule": created.rule,
                 "bookings": [_out(o.booking) for o in planned if o.booking is not None],
                 "skipped": [_occ(o) for o in planned if o.booking is None]}


@router.get("/{series_id}", response={200: SeriesOut, **errors(401, 404, 422)}, auth=MEMBERS,
            summary="A recurring series and its bookings")
def get_series(request, series_id: int = Path(..., ge=1, le=MAX_ID)):
    found = selectors.series_for(api_user(request), series_id)
    return 200, {"id": found.pk, "instrument": found.instrument.key, "rule": found.rule,
                 "bookings": [_out(b) for b in selectors.series_bookings(found)], "skipped": []}


@router.post("/{series_id}/cancel", response={200: CancelledOut, **errors(400, 401, 403, 404, 409, 422)},
             auth=MEMBERS_WRITE, summary="Cancel the rest of a series",
             description="Cancels `from_booking` and every later live occurrence, all or none. 409: one of them is "
                         "past the cancellation deadline, or already cancelled.")
def cancel_series(request, payload: CancelIn, series_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    found = selectors.series_for(user, series_id)
    first = Booking.objects.filter(pk=payload.from_booking, series_occurrence__series=found).first()
    if first is None:
        return 404, {"detail": _("Not found."), "field": "from_booking"}
    return 200, {"cancelled": [_out(b) for b in series.series_cancel_rest(actor=user, series=found,
                                                                           from_booking=first)]}


# --- invoices (issue 13, item 7) ---
invoice_router = Router(tags=["invoices"])


class InvoiceLineOut(Schema):
    position: int
    kind: str = Field(..., description="booking, no_show, late_cancel, service, consumable or rent (a hosting contract)")
    label: str
    quantity: Money
    unit_price: Money
    net: Money
    vat_percent: Money
    accounting_code: str


class InvoiceOut(Schema):
    id: int
    number: str
    kind: str = Field(..., description="invoice or credit (a credit note, which cancels `corrects`)")
    corrects: str | None = Field(None, description="the number of the invoice a credit note cancels")
    customer: str = Field(..., description="the organization's key")
    period: str = Field(..., description="the month billed, YYYY-MM")
    issued_at: datetime
    purchase_order: str
    net: Money
    vat: Money
    gross: Money
    lines: list[InvoiceLineOut]


def _invoice_out(invoice) -> dict:
    return {"id": invoice.pk, "number": invoice.number, "kind": invoice.kind,
            "corrects": invoice.corrects.number if invoice.corrects_id else None,
            "customer": invoice.organization.key, "period": invoice.period, "issued_at": invoice.issued_at,
            "purchase_order": invoice.purchase_order, "net": invoice.net, "vat": invoice.vat, "gross": invoice.gross,
            "lines": [{"position": x.position, "kind": x.kind, "label": x.label, "quantity": x.quantity,
                       "unit_price": x.unit_price, "net": x.net, "vat_percent": x.vat_percent,
                       "accounting_code": x.accounting_code} for x in invoice.lines.all()]}


INVOICE_PAGE = 200


@invoice_router.get("", response={200: list[InvoiceOut], **errors(401, 422)}, auth=MEMBERS,
                    summary="Invoices and credit notes the caller may read",
                    description="Staff: all; members: their organizations'; platform managers: those that bill "
                                "their platforms. The latest 200, newest first.")
def list_invoices(request):
    found = selectors.invoices_visible_to(api_user(request)).prefetch_related("lines")[:INVOICE_PAGE]
    return 200, [_invoice_out(i) for i in found]


@invoice_router.get("/{invoice_id}", response={200: InvoiceOut, **errors(401, 404, 422)}, auth=MEMBERS,
                    summary="One invoice or credit note with its lines")
def get_invoice(request, invoice_id: int = Path(..., ge=1, le=MAX_ID)):
    return 200, _invoice_out(selectors.invoice_for(api_user(request), invoice_id))


# --- consumables (issue 13, item 6) ---
consumable_router = Router(tags=["consumables"])


class ConsumableOut(Schema):
    id: int
    name: str
    unit: str
    stock: int
    price_academic: Money | None
    price_startup: Money | None
    price_industry: Money | None
    members_may_add: bool


class UseIn(Schema):
    consumable: int = Field(..., ge=1, le=MAX_ID, description="the consumable's id (from the platform's list)")
    quantity: int = Field(..., ge=1, le=consumables.TAKE_MAX)
    booking: int | None = Field(None, ge=1, le=MAX_ID, description="the booking it is used on (or `order`)")
    order: int | None = Field(None, ge=1, le=MAX_ID, description="the service order it is used for (or `booking`)")


class UseOut(Schema):
    id: int
    consumable: int
    quantity: int
    unit_price: Money
    amount: Money
    booking: int | None
    order: int | None
    added_at: datetime
    stock_left: int


@consumable_router.get("/platforms/{key}", response={200: list[ConsumableOut], **errors(401, 404, 422)},
                       auth=MEMBERS, summary="The consumables the caller may add on a platform",
                       description="Managers: every offered item; members: those members may add to their own "
                                   "bookings and orders. Prices excluding VAT, per price list.")
def list_consumables(request, key: str = Path(..., pattern=KEY_PATTERN, max_length=120)):
    platform = get_object_or_404(Platform, key=valid_key_or_404(key))
    return 200, consumables.listed_for(api_user(request), platform)


@consumable_router.post("/uses", response={201: UseOut, **errors(400, 401, 403, 404, 409, 422)},
                        auth=MEMBERS_WRITE, summary="Add a consumable to a booking or an order",
                        description="Priced from the customer's price list, taken from the stock in the same "
                                    "transaction. 404: the consumable, booking or order is not one the caller "
                                    "sees (`field` says which). 409: not enough in stock, neither or both of "
                                    "`booking` and `order`, no price for the customer (`field` says which). "
                                    "403: only the platform's managers add this item.")
def add_consumable_use(request, payload: UseIn):
    user = api_user(request)
    item = Consumable.objects.select_related("platform").filter(pk=payload.consumable).first()
    if item is None:
        return 404, {"detail": _("Not found."), "field": "consumable"}
    booking = order = None
    if payload.booking is not None:
        booking = (Booking.objects.select_related("instrument__platform", "organization", "user")
                   .filter(pk=payload.booking, kind=Booking.Kind.BOOKING).first())
        if booking is None or not booking_permissions.is_booking_party(user, booking):
            return 404, {"detail": _("Not found."), "field": "booking"}
    if payload.order is not None:
        order = (booking_selectors.orders_visible_to(user).select_related("service__platform", "organization")
                 .filter(pk=payload.order).first())
        if order is None:
            return 404, {"detail": _("Not found."), "field": "order"}
    use = consumables.consumable_take(actor=user, consumable=item, quantity=payload.quantity, order=order,
                                      booking=booking)
    return 201, {"id": use.pk, "consumable": item.pk, "quantity": use.quantity, "unit_price": use.unit_price,
                 "amount": use.amount, "booking": use.booking_id, "order": use.order_id, "added_at": use.added_at,
                 "stock_left": item.stock}


# --- sample forms in the API (issue 13, item 5) ---
sample_form_router = Router(tags=["sample forms"])


class SampleQuestionOut(Schema):
    name: str = Field(..., description="the answer's key when ordering (`sample_<id>`)")
    position: int
    label: str = Field(..., description="the question in the language of `Accept-Language`, else in the other one")
    label_fr: str = Field(..., description="the question in French, as the platform's managers wrote it (may be "
                                           "empty)")
    label_en: str = Field(..., description="the question in English (may be empty)")
    kind: str = Field(..., description="integer, decimal, text, choice or file")
    kind_label: str = Field(..., description="the kind, in the language of `Accept-Language`")
    required: bool
    choices: list[str] = Field(..., description="the allowed answers (kind `choice`), one per item, in the language "
                                                "of `Accept-Language`, else in the other one; a choice is answered "
                                                "in either language")
    choices_fr: list[str] = Field(..., description="the choices in French (may be empty)")
    choices_en: list[str] = Field(..., description="the choices in English, in the order of the French ones (may "
                                                   "be empty)")
    min_value: str | None = Field(None, description="the smallest value allowed (integer, decimal), as a string")
    max_value: str | None = Field(None, description="the largest value allowed (integer, decimal), as a string")
    help_text: str = Field(..., description="the help shown under the question, in the language of "
                                            "`Accept-Language`, else in the other one (may be empty)")
    help_text_fr: str = Field(..., description="the help in French (may be empty)")
    help_text_en: str = Field(..., description="the help in English (may be empty)")


class SampleFormOut(Schema):
    service: str = Field(..., description="the service's key")
    name: str
    platform: str = Field(..., description="the platform's key")
    lang: str = Field(..., description="the language of the service's texts (fr, en, or blank); each question "
                                       "has its French and English texts")
    questions: list[SampleQuestionOut]


def _bound(value) -> str | None:
    return None if value is None else str(value)


@sample_form_router.get("/{key}/sample-form", response={200: SampleFormOut, **errors(401, 403, 404, 422)},
                        auth=MEMBERS, summary="A service's sample submission form",
                        description="The questions an order of the service answers, in order. Whoever may order "
                                    "a service reads it (members of the network; 403 otherwise). 404: no service "
                                    "has this key (`field`: `key`).")
def get_sample_form(request, key: str = Path(..., pattern=KEY_PATTERN, max_length=120)):
    user = api_user(request)
    if not booking_permissions.can_book(user):  # the order page's rule (bookings.orders.order_create)
        raise booking_services.NotAllowed(_("Log in as a member of the network to order a service."))
    service = Service.objects.select_related("platform").filter(key=key).first()
    if service is None:
        return 404, {"detail": _("Not found."), "field": "key"}
    return 200, {"service": service.key, "name": service.name, "platform": service.platform.key,
                 "lang": service.lang,
                 "questions": [{"name": samples.input_name(f), "position": f.position, "label": f.shown_label,
                                "label_fr": f.label, "label_en": f.label_en,
                                "kind": f.kind, "kind_label": str(f.get_kind_display()), "required": f.required,
                                "choices": f.choice_list, "choices_fr": f.choice_lists[0],
                                "choices_en": f.choice_lists[1],
                                "min_value": _bound(f.min_value), "max_value": _bound(f.max_value),
                                "help_text": f.shown_help, "help_text_fr": f.help_text,
                                "help_text_en": f.help_text_en} for f in samples.form_of(service)]}


# --- orders with their sample-form answers in the API (issue 13, item 5) ---
order_router = Router(tags=["orders"])
# A file answer travels in the JSON body as base64: at most the upload limit once decoded (4 characters per 3 bytes).
FILE_BASE64_MAX = -(-settings.GUICHET_ORDER_ATTACHMENT_MAX_MB * 1024 * 1024 // 3) * 4
ORDERS_PAGE = 200
ORDER_SCOPE = "orders.create"  # the Idempotency-Key's scope (bookings' is "bookings.create")


# As the desk's texts (desk/api.py NOT_BLANK): a description that strip() leaves empty is refused by the schema.
NOT_BLANK = api_types.TEXT
# Above 0 and at most bounds.MAX_ORDER_QUANTITY (100000), two decimals at most: the schema says all of it, so a
# request the schema takes is never refused for its quantity.
QUANTITY = r"^(?:[1-9][0-9]{0,4}(?:\.[0-9]{1,2})?|0?\.(?:0[1-9]|[1-9][0-9]?)|100000(?:\.00?)?)$"
QuestionName = Annotated[str, StringConstraints(pattern=r"^sample_[0-9]{1,12}$")]


def _quantity(value) -> Decimal:
    """A JSON integer from 1 to 100000, or a string of the page's form ("2", "2.5"). A JSON number with a fraction
    is refused: it went through binary floating point in the client (0.1 + 0.2), and a string says the hundredths
    exactly. 2.0 is an integer (JSON Schema's "integer" holds it, so a request the schema takes is taken)."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= bounds.MAX_ORDER_QUANTITY:
        value = int(value)
    # To the cent, as stored: 2, 2.0, "2" and "2.0" are one quantity, so one Idempotency-Key fingerprint.
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= bounds.MAX_ORDER_QUANTITY:
            return Decimal(value).quantize(api_types.CENT)
    elif isinstance(value, str) and re.fullmatch(QUANTITY, value):
        return Decimal(value).quantize(api_types.CENT)
    # Its words: core/api_errors.VALIDATION_MESSAGES, the order page's (bookings.orders.order_create).
    raise PydanticCustomError("order_quantity", "a quantity above 0 and at most {max}",
                              {"max": int(bounds.MAX_ORDER_QUANTITY)})


Quantity = Annotated[Decimal, BeforeValidator(_quantity), WithJsonSchema({
    "oneOf": [{"type": "integer", "minimum": 1, "maximum": int(bounds.MAX_ORDER_QUANTITY)},
              {"type": "string", "pattern": QUANTITY}],
    "description": "above 0 and at most 100000: a JSON integer (2), or a string to the hundredth (\"2\", "
                   "\"2.5\"), the page's bounds; a JSON number with a fraction (2.5) is refused"})]


class SampleFileIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, description="the file's name, with its extension "
                                                                      "(the accepted types of uploads)")
    content: str = Field(..., max_length=FILE_BASE64_MAX, description="the file's bytes in base64")


class OrderIn(Schema):
    service: str = Field(..., description="the service's key", pattern=KEY_PATTERN, max_length=120)
    description: Annotated[str, api_types.NoNul] = Field(..., max_length=orders.DESCRIPTION_MAX, pattern=NOT_BLANK, description="the work to do")
    quantity: Quantity
    cost_centre: Annotated[str, api_types.NoNul] = Field("", max_length=booking_services.COST_CENTRE_MAX, pattern=api_types.NO_NUL)
    project: int | None = Field(None, ge=1, le=MAX_ID, description="the id of a project you may charge for this "
                                "service (GET /api/v1/groups/projects); none: the cost centre only")
    answers: dict[QuestionName, str | int | float] = Field(
        {}, max_length=samples.FIELDS_MAX, json_schema_extra={"additionalProperties": False},
        description="the answers to the service's sample form "
        "(GET /api/v1/services/{key}/sample-form), by the question's `name`; numbers as numbers or strings; a "
        "choice as one of its `choices` (French or English)")
    files: dict[QuestionName, SampleFileIn] = Field({}, max_length=samples.FIELDS_MAX,
                                                    json_schema_extra={"additionalProperties": False},
                                           description="the answers to the form's file questions, by `name`")


class SampleAnswerOut(Schema):
    position: int
    question: str | None = Field(None, description="the question's `name` (null once the question was removed "
                                                   "from the form: the answer keeps its copy of the label)")
    label: str = Field(..., description="the question as it was asked, in the orderer's language")
    kind: str = Field(..., description="integer, decimal, text, choice or file")
    value: str = Field(..., description="the answer (for a file, its name)")


class OrderOut(Schema):
    id: int
    reference: str
    service: str = Field(..., description="the service's key")
    platform: str = Field(..., description="the platform's key")
    status: str = Field(..., description="requested, quoted, accepted, in_progress, delivered, declined or "
                                         "cancelled")
    description: str
    quantity: Money
    cost_centre: str
    project: int | None = Field(None, description="the project that pays")
    created_at: datetime
    answers: list[SampleAnswerOut]


def _order_out(order) -> dict:
    return {"id": order.pk, "reference": order.reference, "service": order.service.key,
            "platform": order.service.platform.key, "status": order.status, "description": order.description,
            "quantity": order.quantity, "cost_centre": order.cost_centre, "project": order.project_id,
            "created_at": order.created_at,
            "answers": [{"position": a.position, "question": f"sample_{a.field_id}" if a.field_id else None,
                         "label": a.label, "kind": a.kind, "value": a.value} for a in order.sample_answers.all()]}


def _files(files: dict[str, SampleFileIn]) -> dict:
    """The base64 file answers as uploads, for answers_check (which checks their size and type)."""
    decoded = {}
    for name, given in files.items():
        try:
            content = base64.b64decode(given.content, validate=True)
        except (binascii.Error, ValueError):
            raise samples.SampleError(_("%(field)s: the file's content is not base64.") % {"field": name},
                                      name) from None
        decoded[name] = SimpleUploadedFile(given.name, content)
    return decoded


@order_router.post("", response={201: OrderOut, **errors(400, 401, 403, 404, 409, 422)}, auth=MEMBERS_WRITE,
                   summary="Order a service, with the answers to its sample form",
                   description="The answers are checked by the rules of the order page (required questions, "
                               "bounds, whole numbers, choices, file size and type): 422 names the question "
                               "(`field`: its `name`), as for an answer to no question of the form. 404: no "
                               "service has this key, or no project of yours has the id given (`field` says "
                               "which). 403: not a member of the network. 409: the project cannot pay it (validity on "
                               "today's date, platform, service, budget left; `field`: `project`), as for a "
                               "booking. With an `Idempotency-Key` header, a retry of the same request by the "
                               "same member within 24 hours answers what the first one answered (the same 201 "
                               "and body: one order), even when both arrive at once; the same key with a "
                               "different body is a 422.")
def create_order(request, payload: OrderIn,
                 key: str = Header(None, alias=idempotency.HEADER, pattern=idempotency.KEY_PATTERN,
                                   description="Any unique string (a UUID) per order you mean to place; send it "
                                               "again on a retry.")):
    user = api_user(request)
    done, claim = idempotency.start(  # core/idempotency.py, as POST /bookings
        user=user, scope=ORDER_SCOPE, key=key, payload=payload.model_dump(),
        render=lambda order: _order_out(selectors.own_orders(user).get(pk=order.pk)))
    if done is not None:
        return done
    if not booking_permissions.can_book(user):  # the order page's rule (bookings.orders.order_create)
        raise booking_services.NotAllowed(_("Log in as a member of the network to order a service."))
    service = Service.objects.select_related("platform").filter(key=payload.service).first()
    if service is None:
        return 404, {"detail": _("Not found."), "field": "service"}
    names = {samples.input_name(f) for f in samples.form_of(service)}
    for name in [*payload.answers, *payload.files]:
        if name not in names:
            raise samples.SampleError(_("%(field)s: no question of this service's form has this name.")
                                      % {"field": name}, name)
    project = None
    if payload.project is not None:  # a project the caller may not charge is not found for them
        # As POST /bookings: not found only when the caller may not charge it here; a project of theirs that is
        # out of its dates is order_create's 409 naming `project` (charge_project), not a 404.
        project = group_selectors.projects_chargeable(user, platform=service.platform, service=service).filter(
            pk=payload.project).first()
        if project is None:
            return 404, {"detail": _("No project of yours has this id for this platform."), "field": "project"}
    try:
        order = orders.order_create(actor=user, service=service, description=payload.description,
                                    quantity=payload.quantity, cost_centre=payload.cost_centre, project=project,
                                    samples={k: str(v) for k, v in payload.answers.items()},
                                    sample_files=_files(payload.files), idempotency=claim)
    except idempotency.AlreadyClaimed:  # the same request, sent twice at once: the first one's answer
        return idempotency.raced(claim)
    return 201, _order_out(selectors.own_orders(user).get(pk=order.pk))


@order_router.get("", response={200: list[OrderOut], **errors(401, 422)}, auth=MEMBERS,
                  summary="The caller's own service orders, with their sample-form answers",
                  description="The orders the caller placed (not those of the platforms they manage), the "
                              "latest 200, newest first.")
def list_orders(request):
    return 200, [_order_out(o) for o in selectors.own_orders(api_user(request))[:ORDERS_PAGE]]


@order_router.get("/{order_id}", response={200: OrderOut, **errors(401, 404, 422)}, auth=MEMBERS,
                  summary="One of the caller's own orders, with its sample-form answers",
                  description="404: the caller placed no order with this id.")
def get_order(request, order_id: int = Path(..., ge=1, le=MAX_ID)):
    order = selectors.own_orders(api_user(request)).filter(pk=order_id).first()
    if order is None:
        return 404, {"detail": _("Not found."), "field": "order_id"}
    return 200, _order_out(order)
