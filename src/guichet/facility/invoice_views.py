"""Invoices: the list (staff: all, with the month closing; members: their organizations'; managers: those that
bill their platforms), one invoice and its PDF, credit notes, the accounting CSV and the invoicing settings."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.accounts.permissions import is_member
from guichet.bookings.selectors import month_bounds
from guichet.bookings.services import NotAllowed
from guichet.core import exports, params
from guichet.core.actions import attempt_form
from guichet.hosting.selectors import contracts_of_member
from guichet.platforms.models import Platform

from . import invoicing, selectors
from .forms import CreditNoteForm, InvoicingSettingsForm, MonthCloseForm
from .invoice_pdf import invoice_pdf
from .models import AccountingCode, AccountingExport, Invoice, MonthClosing, VatRate

LIST_LIMIT = 200


def _staff_only(request):
    if not invoicing.can_invoice(request.user):
        raise PermissionDenied


def _list_page(request, close_form=None, status=200):
    invoices = list(selectors.invoices_visible_to(request.user)[:LIST_LIMIT])
    today = timezone.localdate()
    last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return render(request, "facility/invoices.html", {
        "invoices": invoices, "staff": invoicing.can_invoice(request.user),
        "close_form": close_form or MonthCloseForm(initial={"month": f"{last[0]}-{last[1]:02d}"}),
        "closings": MonthClosing.objects.all()[:24] if invoicing.can_invoice(request.user) else [],
        "export_month": f"{today.year}-{today.month:02d}",
        "hosted": contracts_of_member(request.user).exists()}, status=status)


@login_required
@require_GET
def invoices(request):
    # Invoices go to the network's organizations: a guest (not a member) has none, and is not shown the page.
    if not is_member(request.user):
        raise PermissionDenied
    return _list_page(request)


@login_required
@require_POST
def month_close(request):
    _staff_only(request)
    return attempt_form(
        request, MonthCloseForm(request.POST), lambda data: invoicing.month_close(actor=request.user, year=data["month"][0],
                                                          month=data["month"][1]),
        _closed_text, "facility:invoices", lambda form: _list_page(request, form, status=400),
        refusals=(invoicing.InvoiceError,), forbidden=(NotAllowed,), fields={"": "month"})


def _closed_text(closing) -> str:
    count = closing.invoices.count()
    return ngettext("%(month)s closed: %(n)d invoice issued.", "%(month)s closed: %(n)d invoices issued.", count) % {
        "month": f"{closing.year}-{closing.month:02d}", "n": count}


def _detail_page(request, invoice, form=None, status=200):
    return render(request, "facility/invoice.html", {
        "invoice": invoice, "lines": list(invoice.lines.all()), "staff": invoicing.can_invoice(request.user),
        "credit_notes": list(invoice.credit_notes.all()), "form": form or CreditNoteForm()}, status=status)


@login_required
@require_GET
def invoice_detail(request, pk):
    return _detail_page(request, selectors.invoice_for(request.user, pk))


@login_required
@require_GET
def invoice_download(request, pk):
    invoice = selectors.invoice_for(request.user, pk)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="guichet-{invoice.number}.pdf"'
    return response


@login_required
@require_POST
def credit_note(request, pk):
    invoice = selectors.invoice_for(request.user, pk)
    _staff_only(request)
    return attempt_form(
        request, CreditNoteForm(request.POST),
        lambda data: invoicing.credit_note_create(actor=request.user, invoice=invoice, reason=data["reason"]),
        lambda credit: _("Credit note %(number)s issued.") % {"number": credit.number},
        lambda credit: redirect("facility:invoice", credit.pk),
        lambda form: _detail_page(request, invoice, form, status=400), refusals=(invoicing.InvoiceError,))


@login_required
@require_GET
def accounting_csv(request):
    """The invoices and credit notes issued in a month (Paris time), one line per invoice line."""
    _staff_only(request)
    asked = params.month_param(request.GET, "month", label=_("month"))
    today = timezone.localdate()
    year, month = asked or (today.year, today.month)
    start, end = month_bounds(year, month)
    issued = (Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end).select_related("corrects")
              .prefetch_related("lines__platform").order_by("year", "sequence"))
    columns = invoicing.export_columns()
    return exports.csv_response(f"guichet-accounting-{year}-{month:02d}.csv", invoicing.export_headers(columns),
                                invoicing.export_rows(issued, columns))


@login_required
@require_http_methods(["GET", "POST"])
def invoicing_settings(request):
    _staff_only(request)
    platforms = Platform.objects.order_by("name")
    setting = AccountingExport.objects.filter(pk=1).first()
    vat = {r.category: r.percent for r in VatRate.objects.all()}
    initial_vat = {c: vat.get(c, invoicing.DEFAULT_VAT_PERCENT) for c in
                   ("academic", "startup", "industry")}
    codes = {(c.platform_id, c.category): c.code for c in AccountingCode.objects.all()}
    kwargs = {"platforms": platforms, "initial_vat": initial_vat, "initial_codes": codes}
    if request.method == "GET":
        form = InvoicingSettingsForm(initial={"columns": setting.columns if setting else invoicing.DEFAULT_COLUMNS},
                                     **kwargs)
        return _settings_page(request, form)
    form = InvoicingSettingsForm(request.POST, **kwargs)
    return attempt_form(
        request, form,
        lambda data: invoicing.accounting_settings_save(actor=request.user, columns=data["columns"], vat=form.vat(),
                                                        codes=form.codes()),
        _("Invoicing settings saved."), "facility:invoicing_settings",
        lambda form: _settings_page(request, form, status=400), refusals=(invoicing.InvoiceError,))


def _settings_page(request, form, status=200):
    return render(request, "facility/invoicing_settings.html", {
        "form": form, "fields": sorted(invoicing.EXPORT_FIELDS.items())}, status=status)
