"""Sample submission forms (issue 13, item 5): a service's managers define the questions an order must answer
(number of samples, species, buffer, hazard class, a file...), each with a type, a required flag, choices or
bounds; `answers_check` validates an order's answers (one statement of the rules, for the page and any other
door), `bookings.orders.order_create` stores them in its transaction (`answers_write`); a manager records the
samples' arrival (`samples_receive`), and the turnaround runs from there to the order's delivery
(`turnaround_report`, shown per service in the platform's usage report)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from statistics import median

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.bookings import permissions as booking_permissions
from guichet.bookings.models import ServiceOrder
from guichet.bookings.selectors import month_bounds
from guichet.bookings.services import BookingError, NotAllowed
from guichet.core import params, uploads
from guichet.core.audit import audit_record

from .models import SampleAnswer, SampleField, SampleReceipt

LABEL_MAX = SampleField._meta.get_field("label").max_length
HELP_MAX = SampleField._meta.get_field("help_text").max_length
CHOICES_MAX = SampleField._meta.get_field("choices").max_length
TEXT_ANSWER_MAX = 1000
# A form longer than this is a protocol, not an order form; a list longer than this is a search.
FIELDS_MAX = 30
CHOICES_COUNT_MAX = 50
CHOICE_MAX = 100
VALUE_MAX = Decimal("9999999999")
# Samples can arrive before the quote is accepted; not once the order is over.
RECEIVABLE = (ServiceOrder.Status.REQUESTED, ServiceOrder.Status.QUOTED, ServiceOrder.Status.ACCEPTED,
              ServiceOrder.Status.IN_PROGRESS)


class SampleError(BookingError):
    """A refused sample-form step or answer, naming the field (translated)."""


def input_name(field: SampleField) -> str:
    """The name of a question's input in the order's form and key in an order's answers."""
    return f"sample_{field.pk}"


def form_of(service):
    return list(SampleField.objects.filter(service=service).order_by("position", "pk"))


def _manager(actor, service, message):
    if not booking_permissions.can_manage_platform(actor, service.platform):
        raise NotAllowed(message)


def _number(raw, label, name) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > VALUE_MAX:
        raise SampleError(_("%(field)s: write a number.") % {"field": label}, name)
    return value


def _choice_lines(text, name) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > CHOICES_COUNT_MAX or any(len(line) > CHOICE_MAX for line in lines):
        raise SampleError(_("At most %(n)d choices of at most %(max)d characters each.") % {
            "n": CHOICES_COUNT_MAX, "max": CHOICE_MAX}, name)
    if len(set(lines)) != len(lines):
        raise SampleError(_("Each choice is written once."), name)
    return lines


def field_values_check(*, service, label, kind, required, choices, min_value, max_value, help_text,
                       label_en="", choices_en="", help_text_en="") -> dict:
    """A question as the managers typed it, checked: clean values, or SampleError naming the input. The question,
    its choices and its help are written in French, in English or both (`label_en`, `choices_en`,
    `help_text_en`)."""
    label, label_en, help_text = (label or "").strip(), (label_en or "").strip(), (help_text or "").strip()
    help_text_en = (help_text_en or "").strip()
    if not label and not label_en:
        raise SampleError(_("Write the question, in French or in English."), "label")
    for value, limit, name, shown in ((label, LABEL_MAX, "label", _("Question (French)")),
                                      (label_en, LABEL_MAX, "label_en", _("Question (English)")),
                                      (help_text, HELP_MAX, "help_text", _("Help (French)")),
                                      (help_text_en, HELP_MAX, "help_text_en", _("Help (English)")),
                                      (choices or "", CHOICES_MAX, "choices", _("Choices")),
                                      (choices_en or "", CHOICES_MAX, "choices_en", _("Choices in English"))):
        if message := params.text_error(value, max_length=limit, label=shown):
            raise SampleError(message, name)
    if kind not in SampleField.Kind.values:
        raise SampleError(_("Choose the type of the answer."), "kind")
    lines, lines_en = [], []
    if kind == SampleField.Kind.CHOICE:
        lines, lines_en = _choice_lines(choices, "choices"), _choice_lines(choices_en, "choices_en")
        if max(len(lines), len(lines_en)) < 2:
            raise SampleError(_("A choice from a list needs at least two choices, one a line."), "choices")
        if lines and lines_en and len(lines) != len(lines_en):
            raise SampleError(_("Write the English choices as the French ones translated: as many, in the same "
                                "order."), "choices_en")
    low = _number(min_value, _("Smallest value"), "min_value")
    high = _number(max_value, _("Largest value"), "max_value")
    if kind not in (SampleField.Kind.INTEGER, SampleField.Kind.DECIMAL):
        low = high = None
    elif low is not None and high is not None and low > high:
        raise SampleError(_("The smallest value is at most the largest."), "max_value")
    return {"label": label, "label_en": label_en, "kind": kind, "required": bool(required),
            "choices": "\n".join(lines), "choices_en": "\n".join(lines_en), "min_value": low, "max_value": high,
            "help_text": help_text, "help_text_en": help_text_en}


def sample_field_save(*, actor, service, field: SampleField | None = None, **values) -> SampleField:
    """Add a question to the service's form (at its end), or change one; audited."""
    _manager(actor, service, _("Only the platform's managers set a service's sample form."))
    if field is not None and field.service_id != service.pk:
        raise SampleError(_("This question belongs to another service."), "field")
    clean = field_values_check(service=service, **values)
    with transaction.atomic(durable=True):
        if field is None:
            existing = SampleField.objects.select_for_update().filter(service=service)
            count = existing.count()
            if count >= FIELDS_MAX:
                raise SampleError(_("A sample form has at most %(n)d questions.") % {"n": FIELDS_MAX}, "label")
            last = max((f.position for f in existing), default=0)
            field = SampleField.objects.create(service=service, position=last + 1, **clean)
            before = {}
        else:
            field = SampleField.objects.select_for_update().get(pk=field.pk)
            before = {name: getattr(field, name) for name in clean}
            for name, value in clean.items():
                setattr(field, name, value)
            field.save()
        changes = {name: [None if before.get(name) is None else str(before[name]),
                          None if value is None else str(value)]
                   for name, value in clean.items() if before.get(name, None) != value}
        audit_record(actor=actor, action="sample_field.create" if not before else "sample_field.update",
                     entity_type="service", entity_key=service.key, entity_label=str(service), changes=changes)
    return field


def sample_field_remove(*, actor, field: SampleField) -> None:
    """Take a question out of the form (the answers already given keep their copy of it)."""
    service = field.service
    _manager(actor, service, _("Only the platform's managers set a service's sample form."))
    with transaction.atomic(durable=True):
        deleted, _rows = SampleField.objects.filter(pk=field.pk).delete()
        if not deleted:
            raise SampleError(_("This question was already removed."), "field")
        audit_record(actor=actor, action="sample_field.remove", entity_type="service", entity_key=service.key,
                     entity_label=str(service), changes={"label": [field.shown_label, None]})


@dataclass
class Checked:
    field: SampleField
    value: str
    file: object = None


def _answer(field: SampleField, raw, upload) -> Checked | None:
    name, label = input_name(field), field.shown_label
    if field.kind == SampleField.Kind.FILE:
        if not upload:
            if field.required:
                raise SampleError(_("%(field)s: attach the file.") % {"field": label}, name)
            return None
        try:
            uploads.check_upload(upload, max_mb=settings.GUICHET_ORDER_ATTACHMENT_MAX_MB)
        except uploads.UploadRefused as exc:
            raise SampleError(f"{label}: {exc}", name) from None
        return Checked(field, upload.name.rsplit("/", 1)[-1][:200], upload)
    raw = "" if raw is None else str(raw).strip()
    if not raw:
        if field.required:
            raise SampleError(_("%(field)s: this answer is required.") % {"field": label}, name)
        return None
    if field.kind in (SampleField.Kind.INTEGER, SampleField.Kind.DECIMAL):
        value = _number(raw, label, name)
        if field.kind == SampleField.Kind.INTEGER and value != value.to_integral_value():
            raise SampleError(_("%(field)s: write a whole number.") % {"field": label}, name)
        if field.min_value is not None and value < field.min_value:
            raise SampleError(_("%(field)s: at least %(min)s.") % {"field": label, "min": field.min_value.normalize()},
                              name)
        if field.max_value is not None and value > field.max_value:
            raise SampleError(_("%(field)s: at most %(max)s.") % {"field": label, "max": field.max_value.normalize()},
                              name)
        text = str(int(value)) if field.kind == SampleField.Kind.INTEGER else format(value.normalize(), "f")
        return Checked(field, text)
    if field.kind == SampleField.Kind.CHOICE:
        if not any(raw in lines for lines in field.choice_lists):  # a choice in either language
            raise SampleError(_("%(field)s: choose one of %(choices)s.") % {
                "field": label, "choices": ", ".join(field.choice_list)}, name)
        return Checked(field, raw)
    if message := params.text_error(raw, max_length=TEXT_ANSWER_MAX, label=label):
        raise SampleError(message, name)
    return Checked(field, raw)


def answers_check(*, service, answers: dict | None, files: dict | None = None) -> list[Checked]:
    """The order's answers to the service's form, checked in the form's order (nothing is written): each
    refusal names its question, in the reader's language."""
    answers, files = answers or {}, files or {}
    checked = []
    for field in form_of(service):
        name = input_name(field)
        if (one := _answer(field, answers.get(name), files.get(name))) is not None:
            checked.append(one)
    return checked


def answers_write(*, order, checked: list[Checked]) -> None:
    """Store checked answers with the order (inside order_create's transaction)."""
    for position, one in enumerate(checked, start=1):
        answer = SampleAnswer(order=order, field=one.field, position=position, label=one.field.shown_label,
                              kind=one.field.kind, value=one.value)
        if one.file is not None:
            answer.file = one.file
        answer.save()


def answers_for_audit(checked: list[Checked]) -> dict:
    return {f"sample.{one.field.shown_label[:60]}": [None, one.value] for one in checked}


def samples_receive(*, actor, order: ServiceOrder, now: datetime | None = None) -> SampleReceipt:
    """The order's samples arrived: recorded once, by the platform's managers, while the order is open."""
    if not booking_permissions.can_manage_platform(actor, order.service.platform):
        raise NotAllowed(_("Only the platform's managers record the samples' arrival."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        status = ServiceOrder.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        if status not in RECEIVABLE:
            raise SampleError(_("This order is over: its samples can no longer be recorded."), "status")
        try:
            with transaction.atomic():
                receipt = SampleReceipt.objects.create(order=order, received_at=now, received_by=actor)
        except IntegrityError:
            raise SampleError(_("The samples of this order are already recorded as received."), "status") from None
        audit_record(actor=actor, action="order.samples_received", entity_type="service_order",
                     entity_key=str(order.pk), entity_label=str(order.service),
                     changes={"samples_received_at": [None, now.isoformat()]})
    return receipt


def turnaround_days(order: ServiceOrder) -> Decimal | None:
    """Days from the samples' arrival to the delivery, once both happened."""
    receipt = getattr(order, "sample_receipt", None)
    if receipt is None or order.delivered_at is None:
        return None
    return (Decimal((order.delivered_at - receipt.received_at).total_seconds()) / 86400).quantize(Decimal("0.1"))


def turnaround_report(platform, year: int, month: int) -> list[dict]:
    """Per service of the platform, the orders delivered in the month whose samples' arrival was recorded:
    how many, and their mean and median turnaround in days."""
    start, end = month_bounds(year, month)
    delivered = (ServiceOrder.objects.filter(service__platform=platform, status=ServiceOrder.Status.DELIVERED,
                                             delivered_at__gte=start, delivered_at__lt=end,
                                             sample_receipt__isnull=False)
                 .select_related("service", "sample_receipt").order_by("service__name", "pk"))
    per_service: dict = {}
    for order in delivered:
        per_service.setdefault(order.service, []).append(turnaround_days(order))
    rows = []
    for service, days in per_service.items():
        rows.append({"service": service, "orders": len(days),
                     "mean": (sum(days, Decimal(0)) / len(days)).quantize(Decimal("0.1")),
                     "median": Decimal(median(days)).quantize(Decimal("0.1"))})
    return rows



VALUE_NAMES = ("label", "kind", "required", "choices", "min_value", "max_value", "help_text", "label_en", "choices_en",
               "help_text_en")


def sample_field_admin_save(*, actor, record: SampleField, is_new: bool) -> None:
    """The admin's door: the same checks and audit entry as the managers' page."""
    saved = sample_field_save(actor=actor, service=record.service, field=None if is_new else record,
                              **{name: getattr(record, name) for name in VALUE_NAMES})
    record.pk, record.position = saved.pk, saved.position
