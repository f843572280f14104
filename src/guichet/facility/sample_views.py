"""Sample submission forms (issue 13, item 5): the managers' page of a service's form, the samples' arrival,
an answer's file, and the service's orders with their answers as CSV."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guichet.bookings import permissions as booking_permissions
from guichet.bookings import selectors as booking_selectors
from guichet.bookings.models import ServiceOrder
from guichet.bookings.services import BookingError, NotAllowed
from guichet.core import exports, params
from guichet.core.actions import attempt, attempt_form
from guichet.directory.selectors import valid_key_or_404
from guichet.platforms.models import Service

from . import samples
from .forms import SampleFieldForm
from .models import SampleAnswer, SampleField


def _managed_service(request, key) -> Service:
    service = get_object_or_404(Service.objects.select_related("platform"), key=valid_key_or_404(key))
    if not booking_permissions.can_manage_platform(request.user, service.platform):
        raise PermissionDenied
    return service


def _form_page(request, service, form=None, editing=None, status=200):
    fields = samples.form_of(service)
    return render(request, "facility/sample_form.html", {
        "service": service, "fields": fields, "editing": editing, "full": len(fields) >= samples.FIELDS_MAX,
        "form": form or SampleFieldForm(initial={"kind": SampleField.Kind.TEXT})}, status=status)


@login_required
@require_GET
def sample_form(request, key):
    """The service's questions, in order, and the form to add one (or, with ?edit=<id>, to change one)."""
    service = _managed_service(request, key)
    editing, form = None, None
    if (pk := params.id_param(request.GET, "edit")) is not None:
        editing = get_object_or_404(SampleField, pk=pk, service=service)
        form = SampleFieldForm(initial={name: getattr(editing, name) for name in SampleFieldForm.base_fields})
    return _form_page(request, service, form, editing)


@login_required
@require_POST
def sample_field_save(request, key):
    service = _managed_service(request, key)
    editing = None
    if (pk := params.id_param(request.POST, "field")) is not None:
        editing = get_object_or_404(SampleField, pk=pk, service=service)
    return attempt_form(
        request, SampleFieldForm(request.POST),
        lambda data: samples.sample_field_save(actor=request.user, service=service, field=editing, **data),
        _("Sample form saved."), redirect("facility:sample_form", service.key),
        lambda form: _form_page(request, service, form, editing, status=400),
        refusals=(BookingError,), forbidden=(NotAllowed,))


@login_required
@require_POST
def sample_field_remove(request, pk):
    field = get_object_or_404(SampleField.objects.select_related("service__platform"), pk=pk)
    service = _managed_service(request, field.service.key)
    return attempt(request, lambda: samples.sample_field_remove(actor=request.user, field=field),
                   _("Question removed."), redirect("facility:sample_form", service.key),
                   refusals=(BookingError,))


@login_required
@require_POST
def samples_received(request, pk):
    order = get_object_or_404(booking_selectors.orders_visible_to(request.user), pk=pk)
    return attempt(request, lambda: samples.samples_receive(actor=request.user, order=order),
                   _("Samples recorded as received."), redirect("bookings:order", order.pk),
                   refusals=(BookingError,), forbidden=(NotAllowed,))


@login_required
@require_GET
def sample_file(request, pk):
    """An answer's file, to those who may see its order (its requester, the platform's managers, staff)."""
    answer = get_object_or_404(SampleAnswer, pk=pk, order__in=booking_selectors.orders_visible_to(request.user))
    if not answer.file:
        raise Http404
    return FileResponse(answer.file.open("rb"), as_attachment=True, filename=answer.file_name)


ORDER_COLUMNS = [("reference", gettext_lazy("Order reference")), ("created_at", gettext_lazy("Ordered")),
                 ("requester", gettext_lazy("Ordered by")), ("organization", gettext_lazy("Organization")),
                 ("status", gettext_lazy("Status")), ("quantity", gettext_lazy("Quantity")),
                 ("samples_received_at", gettext_lazy("Samples received")),
                 ("delivered_at", gettext_lazy("Delivered")), ("turnaround_days", gettext_lazy("Turnaround (days)"))]


@login_required
@require_GET
def service_orders_csv(request, key):
    """The service's orders, one a row, with a column per question of its form (answers by their label)."""
    service = _managed_service(request, key)
    orders = list(ServiceOrder.objects.filter(service=service).select_related("requester", "organization",
                                                                               "sample_receipt")
                  .prefetch_related("sample_answers").order_by("created_at", "pk")[:10000])
    # A column per question, in the reader's language (its answers were labelled in their orderer's); questions
    # since removed still have their answers' column, by the label the answers copied.
    columns_of = {("field", f.pk): f.shown_label for f in samples.form_of(service)}

    def column(answer):
        return ("field", answer.field_id) if ("field", answer.field_id) in columns_of else ("label", answer.label)

    for order in orders:
        for answer in order.sample_answers.all():
            columns_of.setdefault(column(answer), answer.label)
    columns = ORDER_COLUMNS + [(f"q{n}", label) for n, label in enumerate(columns_of.values(), start=1)]
    rows = []
    for order in orders:
        receipt = getattr(order, "sample_receipt", None)
        answers = {column(a): a.file_name if a.file else a.value for a in order.sample_answers.all()}
        rows.append([order.reference, timezone.localtime(order.created_at), order.requester.get_full_name()
                     or order.requester.email, order.organization.name if order.organization else "",
                     order.get_status_display(), order.quantity,
                     timezone.localtime(receipt.received_at) if receipt else "",
                     timezone.localtime(order.delivered_at) if order.delivered_at else "",
                     samples.turnaround_days(order) if receipt else ""]
                    + [answers.get(key, "") for key in columns_of])
    return exports.csv_response(f"guichet-orders-{service.key}.csv", columns, rows)
