"""The assessment as a PDF (reportlab): per antibody, chains, germlines, CDRs, humanness, liabilities and
developability with their percentile and band."""

import io

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import labels

BAND = {"green": colors.HexColor("#e3f4e8"), "amber": colors.HexColor("#fff3d6"), "red": colors.HexColor("#fdecec")}


def _table(rows, widths):
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def pdf(assessment, provenance: str) -> bytes:
    styles = getSampleStyleSheet()
    mono = styles["Code"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=assessment.title, leftMargin=1.8 * cm, rightMargin=1.8 * cm)
    story = [Paragraph(assessment.title, styles["Title"]),
             Paragraph(_("CDR definition") + f": {assessment.cdr_scheme.upper()}", styles["Normal"])]
    for item in assessment.result:
        story += [Spacer(1, 0.4 * cm), Paragraph(item["name"], styles["Heading2"])]
        for label, chain in (("VH", item["heavy"]), ("VL", item["light"])):
            if not chain:
                continue
            story.append(Paragraph(f"{label} ({labels.label(labels.CHAINS, chain['chain_type']) or '?'})",
                                   styles["Heading3"]))
            if chain["errors"]:
                story.append(Paragraph("; ".join(chain["errors"]), styles["Normal"]))
                continue
            marked = "".join(f"<b>{r}</b>" if g.startswith("cdr") else r
                             for r, g in zip(chain["sequence"], chain["regions"], strict=False))
            story += [Paragraph(marked, mono),
                      Paragraph(f"{_('Closest human germlines')}: {chain['v_gene']} ({chain['v_identity']:.3f}), "
                                f"{chain['j_gene']} ({chain['j_identity']:.3f}) · {_('OASis 9-mer humanness')}: "
                                f"{chain['oasis_9mer']:.3f}", styles["Normal"]),
                      Paragraph("CDR1 " + chain["cdrs"]["cdr1"] + " · CDR2 " + chain["cdrs"]["cdr2"] + " · CDR3 "
                                + chain["cdrs"]["cdr3"], styles["Normal"])]
            rows = [[_("Liability"), _("Motif"), _("Position"), _("Region")]] + [
                [labels.label(labels.LIABILITIES, x["kind"]), x["motif"], str(x["position"]),
                 labels.label(labels.REGIONS, x["region"])] for x in chain["liabilities"]]
            if len(rows) > 1:
                story.append(_table(rows, [5 * cm, 3 * cm, 3 * cm, 4 * cm]))
        if item["developability"]:
            rows = [[_("Developability (sequence-based estimates)"), _("Value"), _("Percentile"), _("Band")]]
            styles_rows = []
            for i, (metric, v) in enumerate(item["developability"].items(), start=1):
                rows.append([labels.label(labels.METRICS, metric), str(v["value"]), str(v["percentile"]),
                             labels.label(labels.BANDS, v["band"])])
                styles_rows.append(("BACKGROUND", (3, i), (3, i), BAND.get(v["band"], colors.white)))
            table = _table(rows, [7 * cm, 3 * cm, 3 * cm, 2.5 * cm])
            table.setStyle(TableStyle(styles_rows))
            story += [Spacer(1, 0.2 * cm), table]
    story += [Spacer(1, 0.5 * cm), Paragraph(provenance, styles["Italic"])]
    doc.build(story)
    return buffer.getvalue()
