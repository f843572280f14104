"""The assessment as a PDF (reportlab): per antibody, chains, germlines, CDRs, humanness, liabilities and
developability with their percentile and band."""

import io

from django.utils.formats import localize, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import engine, labels

BAND = {"green": colors.HexColor("#e3f4e8"), "amber": colors.HexColor("#fff3d6"), "red": colors.HexColor("#fdecec")}


def _said(label) -> str:
    """`label` followed by its colon, with French typography's no-break space before it in French."""
    return f"{label}\u00a0: " if (get_language() or "").startswith("fr") else f"{label}: "


def _n(value, places: int) -> str:
    """A figure in the reader's number format to `places` decimals ("0,515" in French, "0.515" in English)."""
    return number_format(value, decimal_pos=places, use_l10n=True)


def _table(rows, widths):
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def pdf(assessment, items, provenance: str) -> bytes:
    """The reports `items` (of `assessment`) as one PDF."""
    styles = getSampleStyleSheet()
    mono = styles["Code"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=assessment.title, leftMargin=1.8 * cm, rightMargin=1.8 * cm)
    story = [Paragraph(assessment.title, styles["Title"]),
             Paragraph(_said(_("CDR definition")) + labels.label(labels.SCHEMES, assessment.cdr_scheme),
                       styles["Normal"])]
    for item in items:
        story += [Spacer(1, 0.4 * cm), Paragraph(item["name"], styles["Heading2"])]
        antibody = (item.get("humanness") or {}).get("antibody", {}).get("oasis_9mer")
        if antibody is not None:
            story.append(Paragraph(f"{_('Humanness of the antibody (OASis 9-mer, all its domains):')} {_n(antibody, 3)}",
                                   styles["Normal"]))
        domains = item.get("domains") or [c for c in (item["heavy"], item["light"]) if c]
        for number, chain in enumerate(domains, start=1):
            title = f"{number}. {labels.domain_label(chain)} ({labels.label(labels.CHAINS, chain['chain_type']) or '?'})"
            if chain.get("pair") is not None:
                title += " · " + _("paired with domain %(n)s in the same chain (scFv)") % {"n": chain["pair"] + 1}
            story.append(Paragraph(title, styles["Heading3"]))
            if labels.where(chain):
                story.append(Paragraph(labels.where(chain), styles["Italic"]))
            if chain["errors"]:
                story.append(Paragraph("; ".join(chain["errors"]), styles["Normal"]))
                continue
            for warning in chain.get("warnings", []):
                story.append(Paragraph(warning, styles["Normal"]))
            marked = "".join(f"<b>{r}</b>" if g.startswith("cdr") else r
                             for r, g in zip(chain["sequence"], chain["regions"], strict=False))
            v_genes = ", ".join(chain.get("v_genes") or [chain["v_gene"]])
            j_genes = ", ".join(chain.get("j_genes") or [chain["j_gene"]])
            story += [Paragraph(marked, mono),
                      Paragraph(f"{_said(_('Closest human germlines'))}{v_genes} ({_n(chain['v_identity'], 3)}), "
                                f"{j_genes} ({_n(chain['j_identity'], 3)}) · {_said(_('OASis 9-mer humanness'))}"
                                f"{_n(chain['oasis_9mer'], 3)}", styles["Normal"]),
                      Paragraph("CDR1 " + chain["cdrs"]["cdr1"] + " · CDR2 " + chain["cdrs"]["cdr2"] + " · CDR3 "
                                + chain["cdrs"]["cdr3"], styles["Normal"])]
            if chain.get("species"):
                story.append(Paragraph(f"{_said(_('Closest germline, all species'))}"
                                       f"{labels.label(labels.SPECIES, chain['species'])} · {chain['species_v_gene']} "
                                       f"({_n(chain['species_v_identity'], 3)})", styles["Normal"]))
            rows = [[_("Liability"), _("Motif"), _("Position"),
                     _("Number (%(scheme)s)") % {"scheme": labels.label(labels.SCHEMES, assessment.cdr_scheme)},
                     _("Region")]] + [
                [labels.label(labels.LIABILITIES, x["kind"]), x["motif"], str(x["position"]), x.get("number", ""),
                 labels.label(labels.REGIONS, x["region"])] for x in chain["liabilities"]]
            if len(rows) > 1:
                story.append(_table(rows, [4 * cm, 2.2 * cm, 2 * cm, 3.8 * cm, 3.5 * cm]))
                sources = sorted({engine.LIABILITY_SOURCES.get(x.get("source", ""), "") for x in chain["liabilities"]}
                                 - {""})
                if sources:
                    story.append(Paragraph(f"{_said(_('Source'))}" + " · ".join(sources), styles["Italic"]))
            near = chain.get("nearest_clinical") or []
            if near:
                rows = [[_("Therapeutic"), _("Stage"), _("Target"), _("Domain identity"), "CDR1 · CDR2 · CDR3"]] + [
                    [n["name"], f"{labels.label(labels.STAGES, n['stage'])} · {labels.label(labels.STATUSES, n['status'])}",
                     n["target"][:30], f"{_n(n['identity'], 3)}",
                     " · ".join(_n(n['cdr_identity'][k], 2) for k in ("cdr1", "cdr2", "cdr3"))] for n in near]
                story += [Paragraph(_("Nearest clinical antibodies (Thera-SAbDab, identity by IMGT position)"),
                                    styles["Normal"]), _table(rows, [3.5 * cm, 4 * cm, 3.5 * cm, 2.5 * cm, 4 * cm])]
        if item["developability"]:
            rows = [[_("Developability (sequence-based estimates)"), _("Value"), _("Percentile"), _("Band")]]
            styles_rows = []
            for i, (metric, v) in enumerate(item["developability"].items(), start=1):
                rows.append([labels.label(labels.METRICS, metric), localize(v["value"]), localize(v["percentile"]),
                             labels.label(labels.BANDS, v["band"])])
                styles_rows.append(("BACKGROUND", (3, i), (3, i), BAND.get(v["band"], colors.white)))
            table = _table(rows, [7 * cm, 3 * cm, 3 * cm, 2.5 * cm])
            table.setStyle(TableStyle(styles_rows))
            story += [Spacer(1, 0.2 * cm), table]
    story += [Spacer(1, 0.5 * cm), Paragraph(provenance, styles["Italic"])]
    doc.build(story)
    return buffer.getvalue()
