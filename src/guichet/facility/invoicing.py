"""Invoices (issue 13, item 7): staff close a month and its statements become invoices, numbered without a
gap per year of issue (a legal requirement in France: Code général des impôts, art. 242 nonies A), with the
VAT of the customer's price list; a credit note cancels an invoice and refers to it; the finance office's
accounting CSV has one line per invoice line, in the column mapping staff set.

Numbering: `InvoiceCounter` holds the last number of a year; the closing's transaction locks that row
(select_for_update on PostgreSQL; SQLite's IMMEDIATE transactions hold the database's write lock) and takes
the next numbers inside the same transaction, so a closing that fails gives its numbers back with its
rollback and two closings never take the same one (pretix's invoice numbering does the same)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.bookings.models import Booking, ServiceOrder
from guichet.bookings.selectors import month_bounds
from guichet.bookings.services import BookingError, NotAllowed
from guichet.core import params
from guichet.core.audit import audit_record
from guichet.core.exports import is_formula_like
from guichet.core.i18n import in_language
from guichet.core.workdays import PARIS
from guichet.platforms.models import CustomerCategory, customer_category

from .consumables import month_uses, use_context
from .models import (
    AccountingCode,
    AccountingExport,
    BillingProfile,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    MonthClosing,
    VatRate,
)
from .usage import charge

CENT = Decimal("0.01")
# The standard French rate (CGI art. 278) for a price list staff have not set.
DEFAULT_VAT_PERCENT = Decimal("20.00")
REASON_MAX = 300
PURCHASE_ORDER_MAX = 60


class InvoiceError(BookingError):
    """A refused invoicing step, naming the field (translated)."""


def can_invoice(user) -> bool:
    """Closing months, credit notes and the accounting settings: the cluster's staff."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def _staff(actor):
    if not can_invoice(actor):
        raise NotAllowed(_("Only the cluster's staff issue invoices."))


def vat_percent(category: str) -> Decimal:
    rate = VatRate.objects.filter(category=category).values_list("percent", flat=True).first()
    return DEFAULT_VAT_PERCENT if rate is None else rate


def vat_of(net: Decimal, percent: Decimal) -> Decimal:
    return (net * percent / 100).quantize(CENT, ROUND_HALF_UP)


def customer_language(organization) -> str:
    """The language its invoices are written in: its billing profile's, else its contact's, else the site's."""
    profile = BillingProfile.objects.filter(organization=organization).first()
    if profile is not None:
        return profile.language
    contact = organization.memberships.filter(is_contact=True).select_related("user").order_by("pk").first()
    return (contact.user.language if contact and contact.user.language else "") or settings.LANGUAGE_CODE


@dataclass
class Draft:
    kind: str
    date: datetime
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net: Decimal
    platform: object
    cost_centre: str = ""
    project: str = ""
    user: object = None
    booking: object = None
    order: object = None


def month_drafts(year: int, month: int) -> dict:
    """organization -> the lines its invoice of the month will carry: each booking that ended in the month
    priced by `usage.charge` (billing rule, minimum, no-show and late-cancellation fees), each delivered
    service at its quoted lines, each consumable taken in the month at its price. Bookings charged to no organization have no customer to invoice."""
    start, end = month_bounds(year, month)
    drafts: dict = {}
    bookings = (Booking.objects.filter(kind=Booking.Kind.BOOKING, organization__isnull=False, end__gt=start,
                                       end__lte=end)
                .exclude(status=Booking.Status.REQUESTED)
                .select_related("instrument__platform", "instrument__billing_rule", "organization", "user",
                                "project", "usage").order_by("start", "pk"))
    for b in bookings:
        category = customer_category(b.organization)
        price = charge(b, category)
        project = str(b.project) if b.project_id else ""
        name = f"{b.instrument.name} ({b.user.get_full_name()})"
        rows = drafts.setdefault(b.organization, [])
        if price.amount:
            hours = (Decimal(price.billed_minutes) / 60).quantize(CENT, ROUND_HALF_UP)
            rows.append(Draft("booking", b.start, name, hours, "hour", b.instrument.hourly_rate(category),
                              price.amount, b.instrument.platform, b.cost_centre, project, b.user, b))
        if price.fee:  # the kind says which fee, in each reader's language (the PDF, the pages, the CSV)
            rows.append(Draft(price.fee_kind, b.start, name, Decimal("1.00"), "unit", price.fee, price.fee,
                              b.instrument.platform, b.cost_centre, project, b.user, b))
    orders = (ServiceOrder.objects.filter(status=ServiceOrder.Status.DELIVERED, organization__isnull=False,
                                          delivered_at__gte=start, delivered_at__lt=end)
              .select_related("service__platform", "organization", "project", "requester")
              .prefetch_related("quote_lines").order_by("delivered_at", "pk"))
    for o in orders:
        for line in o.quote_lines.all():
            drafts.setdefault(o.organization, []).append(Draft(
                "service", o.delivered_at, f"{o.reference} {line.label}", line.quantity, o.service.unit or "unit",
                line.unit_price, line.amount, o.service.platform, o.cost_centre,
                str(o.project) if o.project_id else "", o.requester, order=o))
    # --- consumables (issue 13, item 6) --- each use of the month at the price it was taken at, VAT as the rest
    for use in month_uses(year, month).filter(organization__isnull=False):
        said = use_context(use)
        drafts.setdefault(use.organization, []).append(Draft(
            "consumable", use.added_at, said["label"], Decimal(use.quantity), use.consumable.unit, use.unit_price,
            use.amount, use.consumable.platform, said["cost_centre"], said["project"], said["user"],
            booking=use.booking, order=use.order))
    # --- hosting rent (issue 13, item 8) --- each contract holding a space in the month, at its monthly price
    for contract, quantity, first_day in month_contracts(year, month):
        net = (contract.monthly_price * quantity).quantize(CENT, ROUND_HALF_UP)
        space = contract.space
        drafts.setdefault(contract.company, []).append(Draft(
            "rent", datetime.combine(first_day, datetime.min.time(), PARIS),
            f"{space.resource.name}, {space.building.name} ({contract.surface_m2.normalize():f} m²)", quantity,
            "month", contract.monthly_price, net, space.building.platform))
    return {org: rows for org, rows in drafts.items() if rows}


def month_contracts(year: int, month: int) -> list[tuple]:
    """(contract, share of the month, first day billed) for each hosting contract holding its space on at
    least one day of the month: a whole month is 1.00, a part of it its days over the month's days (to the
    hundredth); a cancelled contract never counted, so it is never billed."""
    from datetime import date

    from guichet.hosting.models import Contract
    from guichet.hosting.selectors import billed_in

    first = date(year, month, 1)
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    days = (last - first).days + 1
    rows = []
    for contract in (Contract.objects.filter(billed_in(first, last))
                     .select_related("space__resource", "space__building__platform", "company")
                     .order_by("start", "pk")):
        start, end = max(contract.start, first), min(contract.end, last)
        share = Decimal(1) if (start, end) == (first, last) else \
            (Decimal((end - start).days + 1) / days).quantize(CENT, ROUND_HALF_UP)
        rows.append((contract, share, start))
    return rows


def _counter_ready(year: int) -> None:
    """The year's counter row exists before any closing locks it (created once, in its own transaction)."""
    if InvoiceCounter.objects.filter(year=year).exists():
        return
    try:
        with transaction.atomic():
            InvoiceCounter.objects.create(year=year)
    except IntegrityError:  # another closing made it at the same moment
        pass


def _next_numbers(year: int, count: int) -> list[int]:
    """`count` numbers following the year's last, under the counter row's lock (caller's transaction)."""
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return list(range(first, first + count))


def invoice_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:05d}"


def _codes() -> dict:
    return {(c.platform_id, c.category): c.code for c in AccountingCode.objects.all()}


def _write_invoice(*, organization, rows: list[Draft], number: int, year: int, period: str, closing, actor, now,
                   kind=Invoice.Kind.INVOICE, corrects=None, reason="") -> Invoice:
    profile = BillingProfile.objects.filter(organization=organization).first()
    category = customer_category(organization)
    percent = vat_percent(category)
    codes = _codes()
    lines, net_total, vat_total = [], Decimal("0.00"), Decimal("0.00")
    for position, row in enumerate(rows, start=1):
        vat = vat_of(row.net, percent)
        net_total += row.net
        vat_total += vat
        lines.append(InvoiceLine(position=position, kind=row.kind, date=row.date, label=row.label[:400],
                                 quantity=row.quantity, unit=row.unit, unit_price=row.unit_price, net=row.net,
                                 vat_percent=percent, vat=vat, platform=row.platform,
                                 accounting_code=codes.get((getattr(row.platform, "pk", None), category), ""),
                                 cost_centre=row.cost_centre[:60], project=row.project[:300], user=row.user,
                                 booking=row.booking, order=row.order))
    invoice = Invoice.objects.create(
        number=invoice_number(year, number), year=year, sequence=number, kind=kind, corrects=corrects,
        reason=reason, closing=closing, period=period, organization=organization, customer_name=organization.name,
        customer_address=profile.address if profile else "", category=category,
        language=customer_language(organization), purchase_order=profile.purchase_order if profile else "",
        issued_at=now, issued_by=actor, net=net_total, vat=vat_total, gross=net_total + vat_total)
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    audit_record(actor=actor, action="invoice.issue" if kind == Invoice.Kind.INVOICE else "invoice.credit",
                 entity_type="invoice", entity_key=invoice.number, entity_label=str(invoice),
                 changes={"number": [None, invoice.number], "gross": [None, str(invoice.gross)],
                          **({"corrects": [None, corrects.number]} if corrects else {})})
    return invoice


def month_close(*, actor, year: int, month: int, now: datetime | None = None) -> MonthClosing:
    """The month's statements become invoices, one per organization, numbered in the year of issue; a month
    is closed once it is over, and once only."""
    _staff(actor)
    now = now or timezone.now()
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise InvoiceError(_("Choose a month."), "month")
    if month_bounds(year, month)[1] > now:
        raise InvoiceError(_("A month is closed once it is over."), "month")
    issue_year = timezone.localtime(now, PARIS).year
    _counter_ready(issue_year)
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                closing = MonthClosing.objects.create(year=year, month=month, closed_at=now, closed_by=actor)
        except IntegrityError:
            raise InvoiceError(_("This month is already closed."), "month") from None
        drafts = month_drafts(year, month)
        customers = sorted(drafts, key=lambda org: (org.name, org.pk))
        numbers = _next_numbers(issue_year, len(customers)) if customers else []
        period = f"{year}-{month:02d}"
        for organization, number in zip(customers, numbers, strict=True):
            _write_invoice(organization=organization, rows=drafts[organization], number=number, year=issue_year,
                           period=period, closing=closing, actor=actor, now=now)
        audit_record(actor=actor, action="month.close", entity_type="month", entity_key=period,
                     entity_label=period, changes={"invoices": [None, len(customers)]})
    return closing


def credit_note_create(*, actor, invoice: Invoice, reason: str, now: datetime | None = None) -> Invoice:
    """A credit note cancelling the whole invoice, with its own number, referring to it (never an edit)."""
    _staff(actor)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvoiceError(_("Say why the invoice is cancelled."), "reason")
    if message := params.text_error(reason, max_length=REASON_MAX, label=_("Reason")):
        raise InvoiceError(message, "reason")
    if invoice.kind != Invoice.Kind.INVOICE:
        raise InvoiceError(_("A credit note cannot itself be cancelled."), "invoice")
    issue_year = timezone.localtime(now, PARIS).year
    _counter_ready(issue_year)
    with transaction.atomic(durable=True):
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if Invoice.objects.filter(corrects=original, kind=Invoice.Kind.CREDIT_NOTE).exists():
            raise InvoiceError(_("This invoice already has a credit note."), "invoice")
        rows = [Draft(line.kind, line.date, line.label, line.quantity, line.unit, line.unit_price, -line.net,
                      line.platform, line.cost_centre, line.project, line.user, line.booking, line.order)
                for line in original.lines.select_related("platform")]
        [number] = _next_numbers(issue_year, 1)
        credit = _write_invoice(organization=original.organization, rows=rows, number=number, year=issue_year,
                                period=original.period, closing=None, actor=actor, now=now,
                                kind=Invoice.Kind.CREDIT_NOTE, corrects=original, reason=reason)
    return credit


# --- the accounting export ---
EXPORT_FIELDS = {
    "invoice_number": gettext_lazy("Invoice number"), "invoice_date": gettext_lazy("Invoice date"), "kind": gettext_lazy("Kind"),
    "corrects": gettext_lazy("Invoice corrected"), "customer": gettext_lazy("Customer"), "price_list": gettext_lazy("Price list"),
    "purchase_order": gettext_lazy("Purchase order number"), "period": gettext_lazy("Period"), "line": gettext_lazy("Line"),
    "label": gettext_lazy("Label"), "quantity": gettext_lazy("Quantity"), "unit": gettext_lazy("Unit"), "unit_price": gettext_lazy("Unit price"),
    "net": gettext_lazy("Amount excluding VAT"), "vat_percent": gettext_lazy("VAT (percent)"), "vat": gettext_lazy("VAT"),
    "gross": gettext_lazy("Amount including VAT"), "accounting_code": gettext_lazy("Accounting code"),
    "platform": gettext_lazy("Platform"), "cost_centre": gettext_lazy("Cost centre"), "project": gettext_lazy("Project"),
    "currency": gettext_lazy("Currency"),
}
DEFAULT_COLUMNS = "\n".join(f"{name} = {name}" for name in (
    "invoice_number", "invoice_date", "kind", "corrects", "customer", "price_list", "purchase_order", "period",
    "label", "quantity", "unit_price", "net", "vat_percent", "vat", "gross", "accounting_code", "platform",
    "cost_centre", "project", "currency"))
COLUMNS_MAX = 40
HEADER_MAX = 60


def parse_columns(text: str) -> list[tuple[str, str]]:
    """`Header = field` lines → [(header, field)]; InvoiceError naming the line when one is unreadable."""
    columns = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        header, sep, name = (part.strip() for part in line.partition("="))
        if not sep or not header or not name:
            raise InvoiceError(_("Line %(n)d: write “Header = field”.") % {"n": number}, "columns")
        if name not in EXPORT_FIELDS:
            raise InvoiceError(_("Line %(n)d: “%(field)s” is not a field of the export.") % {
                "n": number, "field": name[:40]}, "columns")
        if len(header) > HEADER_MAX or is_formula_like(header) or '"' in header:
            raise InvoiceError(_("Line %(n)d: a header is plain text of at most %(max)d characters.") % {
                "n": number, "max": HEADER_MAX}, "columns")
        columns.append((header, name))
    if not columns:
        raise InvoiceError(_("Name at least one column."), "columns")
    if len(columns) > COLUMNS_MAX:
        raise InvoiceError(_("At most %(max)d columns.") % {"max": COLUMNS_MAX}, "columns")
    return columns


def export_columns() -> list[tuple[str, str]]:
    setting = AccountingExport.objects.filter(pk=1).first()
    return parse_columns(setting.columns if setting else DEFAULT_COLUMNS)


def accounting_settings_save(*, actor, columns: str, vat: dict, codes: dict) -> None:
    """The column mapping, the VAT of each price list and each platform's accounting codes, in one write.
    `vat`: category -> Decimal; `codes`: (platform, category) -> code ('' removes it)."""
    _staff(actor)
    parse_columns(columns)
    for category, percent in vat.items():
        if category not in CustomerCategory.values:
            raise InvoiceError(_("Unknown price list."), f"vat_{category}")
        if percent is None or not Decimal(0) <= percent <= Decimal(100):
            raise InvoiceError(_("A VAT rate is between 0 and 100 %."), f"vat_{category}")
    for (platform, category), code in codes.items():
        if len(code) > 30 or is_formula_like(code):
            raise InvoiceError(_("An accounting code is plain text of at most 30 characters."),
                               f"code_{platform.pk}_{category}")
    with transaction.atomic(durable=True):
        changes = {}
        setting = AccountingExport.objects.select_for_update().filter(pk=1).first()
        before = setting.columns if setting else DEFAULT_COLUMNS
        if before != columns:
            AccountingExport.objects.update_or_create(pk=1, defaults={"columns": columns, "updated_at": timezone.now()})
            changes["columns"] = [before, columns]
        for category, percent in vat.items():
            old = VatRate.objects.filter(category=category).values_list("percent", flat=True).first()
            if old != percent:
                VatRate.objects.update_or_create(category=category, defaults={"percent": percent})
                changes[f"vat.{category}"] = [str(old) if old is not None else None, str(percent)]
        for (platform, category), code in codes.items():
            old = AccountingCode.objects.filter(platform=platform, category=category).values_list(
                "code", flat=True).first() or ""
            if old == code:
                continue
            if code:
                AccountingCode.objects.update_or_create(platform=platform, category=category, defaults={"code": code})
            else:
                AccountingCode.objects.filter(platform=platform, category=category).delete()
            changes[f"code.{platform.key}.{category}"] = [old, code]
        if changes:
            audit_record(actor=actor, action="accounting.settings", entity_type="accounting", entity_key="settings",
                         # stored once, in the site's language (not the actor's), like every label of the log
                         entity_label=in_language(None, str, gettext_lazy("Invoicing settings")), changes=changes)


def export_headers(columns: list[tuple[str, str]]) -> list:
    """The CSV's header: a column whose header is its field's machine name (the default mapping) gets the field's
    translated title over it (core.exports' two rows); the headers the finance office wrote are kept as written,
    and a mapping of their headers only stays one row, the one their accounting software reads."""
    return [(header, EXPORT_FIELDS[name]) if header == name else header for header, name in columns]


def export_rows(invoices, columns: list[tuple[str, str]]) -> list[list]:
    """One row per invoice line, the cells in the mapping's order (core.exports neutralises formula-like text)."""
    categories = dict(CustomerCategory.choices)
    kinds = dict(Invoice.Kind.choices)
    rows = []
    for invoice in invoices:
        for line in invoice.lines.all():
            values = {
                "invoice_number": invoice.number, "invoice_date": timezone.localtime(invoice.issued_at, PARIS).date(),
                "kind": kinds.get(invoice.kind, invoice.kind), "corrects": invoice.corrects.number
                if invoice.corrects_id else "", "customer": invoice.customer_name,
                "price_list": categories.get(invoice.category, invoice.category),
                "purchase_order": invoice.purchase_order, "period": invoice.period, "line": line.position,
                "label": line.full_label, "quantity": line.quantity, "unit": line.unit, "unit_price": line.unit_price,
                "net": line.net, "vat_percent": line.vat_percent, "vat": line.vat, "gross": line.net + line.vat,
                "accounting_code": line.accounting_code, "platform": line.platform.name if line.platform else "",
                "cost_centre": line.cost_centre, "project": line.project, "currency": "EUR"}
            rows.append([values[name] for _header, name in columns])
    return rows


def invoice_totals(invoices) -> dict:
    return invoices.aggregate(net=Sum("net"), vat=Sum("vat"), gross=Sum("gross"))
