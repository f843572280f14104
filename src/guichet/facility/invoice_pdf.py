"""An invoice or credit note as a PDF (reportlab), in the customer's language, from what was stored when it
was issued (it is drawn again on each download, always the same)."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from guichet.core.i18n import in_language
from guichet.core.workdays import PARIS

from .models import Invoice


def _money(value) -> str:
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} €"


def _compose(invoice: Invoice) -> bytes:
    styles = getSampleStyleSheet()
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    title = (_("Credit note %(number)s") if credit else _("Invoice %(number)s")) % {"number": invoice.number}
    issued = formats.date_format(timezone.localtime(invoice.issued_at, PARIS).date(), "DATE_FORMAT")
    story = [Paragraph(escape(settings.GUICHET_INVOICE_ISSUER), styles["Heading2"]),
             Paragraph(escape(title), styles["Title"]),
             Paragraph(escape(_("Issued on %(date)s, for the period %(period)s.") % {
                 "date": issued, "period": invoice.period}), styles["BodyText"])]
    if credit:
        story.append(Paragraph(escape(_("Cancels invoice %(number)s. Reason: %(reason)s") % {
            "number": invoice.corrects.number, "reason": invoice.reason}), styles["BodyText"]))
    story += [Spacer(1, 0.4 * cm), Paragraph(escape(_("Customer: %(name)s") % {"name": invoice.customer_name}),
                                             styles["Heading4"])]
    for line in invoice.customer_address.splitlines():
        story.append(Paragraph(escape(line), styles["BodyText"]))
    story.append(Paragraph(escape(_("Price list: %(category)s") % {"category": invoice.get_category_display()}),
                           styles["BodyText"]))
    if invoice.purchase_order:
        story.append(Paragraph(escape(_("Purchase order: %(number)s") % {"number": invoice.purchase_order}),
                               styles["BodyText"]))
    story.append(Spacer(1, 0.4 * cm))
    cell = styles["BodyText"]
    rows = [[_("Date"), _("Line"), _("Quantity"), _("Unit price"), _("VAT"), _("Amount excluding VAT")]]
    for line in invoice.lines.all():
        rows.append([formats.date_format(timezone.localtime(line.date, PARIS).date(), "SHORT_DATE_FORMAT"),
                     Paragraph(escape(line.full_label), cell), formats.number_format(line.quantity, 2),
                     _money(line.unit_price), f"{formats.number_format(line.vat_percent, 2)} %", _money(line.net)])
    rows += [["", _("Total excluding VAT"), "", "", "", _money(invoice.net)],
             ["", _("VAT"), "", "", "", _money(invoice.vat)],
             ["", _("Total including VAT"), "", "", "", _money(invoice.gross)]]
    table = Table(rows, colWidths=[2.2 * cm, 7.3 * cm, 1.8 * cm, 2.4 * cm, 1.6 * cm, 2.7 * cm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, -3), (-1, -3), 0.5, colors.black), ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5)]))
    story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author=settings.GUICHET_INVOICE_ISSUER,
                      leftMargin=1.5 * cm, rightMargin=1.5 * cm).build(story)
    return buffer.getvalue()


def invoice_pdf(invoice: Invoice) -> bytes:
    return in_language(invoice.language, _compose, invoice)
