"""The annual report: a funder's template filled with the figures as of the report's date, as PDF and DOCX.

`content()` gathers everything once (sections in the template's order, each indicator with its value, its
source and its method, the charts, the evidence annex of validated declarations), in the report's language;
`pdf()` (reportlab) and `docx()` (python-docx) only lay it out, so both files say the same thing.
"""

import io
from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from guichet.core.workdays import day_end
from guichet.declarations.models import FIGURES, Declaration

from . import charts, kpis
from .models import AnnualReport

SECTION_KINDS = ("narrative", "indicators", "charts", "evidence")

# Where each indicator's figure comes from (the records it reads), shown beside it in the report.
SOURCE_GROUPS = [
    (("members",), gettext_lazy("Guichet directory: the member organizations and their dates of joining.")),
    (("startups_",), gettext_lazy("Start-up records: founding dates (start-ups' founders and the cluster team).")),
    (("jobs",), gettext_lazy("Headcounts declared by the start-ups' founders and validated by the cluster team, latest per "
                              "organization.")),
    (("funds_raised",), gettext_lazy("Funding rounds declared on the start-ups' pages and validated by the cluster "
                                     "team.")),
    (("partnerships_signed", "partnerships_value", "public_private"),
     gettext_lazy("Partnerships confirmed by their other parties or the cluster team, with their stage history.")),
    (("platform_",), gettext_lazy("Bookings and delivered service orders of the technology platforms.")),
    (("desk_",), gettext_lazy("Requests of the desk and their first answers.")),
    (("programme",), gettext_lazy("Antibody programmes and their stage history.")),
    (("economic_impact",), gettext_lazy("Funds raised, signed partnership values and platform revenue (see the "
                                        "method).")),
    (("people_trained_total", "people_trained_in_period", "training_hours", "events_", "event_participants"),
     gettext_lazy("Events and trainings held through Guichet: attendance closed by the trainers.")),
    (("meetings_", "partnerships_from_meetings"), gettext_lazy("Partnering days: one-to-one meetings and their "
                                                               "outcomes.")),
    (("disclosures", "patent_applications", "licence", "technology_offers", "offer_requests"),
     gettext_lazy("Tech-transfer offices' records in Guichet: disclosures (counted only), IP families, licences, "
                  "royalties, offers.")),
    (("trials_started", "inclusions", "feasibility", "contract"),
     gettext_lazy("Clinical trials, per-site inclusion counts, feasibility answers and single-contract milestones.")),
    (("declared_", "jobs_created", "jobs_maintained", "cofunding", "leverage", "publications", "companies_implanted",
      "partner_satisfaction"),
     gettext_lazy("Yearly declarations of the member organizations, validated by the cluster team against their "
                  "evidence (see the annex).")),
]


def source_of(key: str) -> str:
    # The declared groups are more specific ("declared_people_trained…"): they are matched first.
    for prefixes, text in reversed(SOURCE_GROUPS):
        if key.startswith(prefixes):
            return str(text)
    return ""


@dataclass
class Content:
    title: str
    subtitle: str
    sections: list = field(default_factory=list)  # dicts: kind, title, + text | rows | charts | declarations
    method: str = ""


def figure_text(value) -> str:
    """A figure as the report and the dashboard print it: whole numbers without decimals, a ratio below 10 to the
    hundredth (a leverage of 0.04 reads 0,04, not 0,0), others to the tenth."""
    if value is None:
        return "—"
    number = float(value)
    return formats.number_format(value, decimal_pos=0 if number == int(number) else (2 if abs(number) < 10 else 1),
                                 use_l10n=True, force_grouping=True)


def _title(section: dict, language: str) -> str:
    titles = section.get("title") or {}
    return titles.get(language) or titles.get("fr") or section.get("key", "")


def _declarations(report: AnnualReport) -> list[dict]:
    cutoff = day_end(report.as_of)
    rows = []
    for d in (Declaration.objects.filter(campaign__year=report.year, status=Declaration.Status.VALIDATED,
                                         validated_at__lte=cutoff)
              .select_related("organization", "campaign", "submitted_by", "validated_by")
              .prefetch_related("evidence").order_by("organization__name")):
        figures = [(str(d._meta.get_field(f).verbose_name), _figure(getattr(d, f))) for f in FIGURES
                   if getattr(d, f) not in (None, False)]
        rows.append({"organization": d.organization.name, "campaign": d.campaign.title, "figures": figures,
                     "declared": _("Declared by %(who)s on %(when)s") % {
                         "who": d.submitted_by.get_full_name() if d.submitted_by else _("an erased account"),
                         "when": formats.date_format(timezone.localdate(d.submitted_at), "DATE_FORMAT")},
                     "validated": _("validated by %(who)s on %(when)s") % {
                         "who": d.validated_by.get_full_name() if d.validated_by else _("an erased account"),
                         "when": formats.date_format(timezone.localdate(d.validated_at), "DATE_FORMAT")},
                     "evidence": [e.name for e in d.evidence.all()]})
    return rows


def _figure(value) -> str:
    if value is True:
        return _("yes")
    return figure_text(value)


def content(report: AnnualReport) -> Content:
    """Everything the report says, in its language, as of its date."""
    with translation.override(report.language):
        start, end = date(report.year, 1, 1), min(date(report.year, 12, 31), report.as_of)
        rep = kpis.compute(as_of=report.as_of, start=start, end=end)
        coverage = rep.series.get("validation", {})
        out = Content(
            title=f"{report.template.display_name} — {report.year}",
            subtitle=_("Period %(start)s – %(end)s, figures as of %(as_of)s") % {
                "start": formats.date_format(start), "end": formats.date_format(end),
                "as_of": formats.date_format(report.as_of)},
            method=str(kpis.METHOD))
        for section in report.template.sections:
            kind, title = section.get("kind"), _title(section, report.language)
            if kind == "narrative":
                out.sections.append({"kind": kind, "title": title,
                                     "text": (report.narratives or {}).get(section["key"], "")})
            elif kind == "indicators":
                rows = []
                for key in section.get("indicators", []):
                    if key not in rep.values:
                        continue
                    method = rep.methods.get(key) or (str(kpis.METHOD) if key == "economic_impact" else "")
                    note = ""
                    if key in coverage:
                        ok, received = coverage[key]
                        # The figure counts the validated ones only (rounds, headcounts, partnerships, declarations):
                        # said so, not as if every declaration were in it.
                        note = ngettext("Only validated figures are counted: %(ok)d of the %(n)d declared figure.",
                                        "Only validated figures are counted: %(ok)d of the %(n)d declared figures.",
                                        received) % {"ok": ok, "n": received}
                        if not received:  # "0 of the 0 declared" read as a figure; nothing was declared
                            note = _("No figure declared yet.")
                    rows.append({"key": key, "label": str(kpis.KPI_LABELS.get(key, key)),
                                 "value": figure_text(rep.values[key]), "source": source_of(key), "method": method,
                                 "coverage": note})
                out.sections.append({"kind": kind, "title": title, "rows": rows})
            elif kind == "charts":
                out.sections.append({"kind": kind, "title": title, "charts": charts.build_charts(rep)})
            elif kind == "evidence":
                out.sections.append({"kind": kind, "title": title, "declarations": _declarations(report)})
        return out


# --- PDF -------------------------------------------------------------------------------------------------

def _pdf_text(text: str) -> str:
    """Helvetica has no narrow no-break space (French typography before ; ? !): the no-break space it has."""
    from xml.sax.saxutils import escape

    return escape(str(text)).replace("\u202f", "\u00a0").replace("\n", "<br/>")


def pdf(data: Content) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .report import ChartFlowable

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    cell = styles["BodyText"].clone("cell", fontSize=9, leading=11)
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=data.title, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=2 * cm, bottomMargin=2 * cm)
    story = [Paragraph(_pdf_text(data.title), styles["Title"]), Paragraph(_pdf_text(data.subtitle), styles["Normal"]),
             Spacer(1, 0.4 * cm)]
    for section in data.sections:
        story.append(Paragraph(_pdf_text(section["title"]), styles["Heading2"]))
        if section["kind"] == "narrative":
            for paragraph in (section["text"] or "").split("\n\n"):
                if paragraph.strip():
                    story.append(Paragraph(_pdf_text(paragraph.strip()), styles["BodyText"]))
        elif section["kind"] == "indicators":
            rows = [[Paragraph(f"<b>{_pdf_text(_('Indicator'))}</b>", cell),
                     Paragraph(f"<b>{_pdf_text(_('Value'))}</b>", cell),
                     Paragraph(f"<b>{_pdf_text(_('Source and method'))}</b>", cell)]]
            for row in section["rows"]:
                detail = " ".join(_pdf_text(t) for t in (row["source"], row["method"], row["coverage"]) if t)
                rows.append([Paragraph(_pdf_text(row["label"]), cell), Paragraph(_pdf_text(row["value"]), cell),
                             Paragraph(detail, small)])
            table = Table(rows, colWidths=[6 * cm, 2.6 * cm, 8.4 * cm], repeatRows=1)
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                                       ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                                       ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.whitesmoke, colors.white])]))
            story.append(table)
        elif section["kind"] == "charts":
            for chart in section["charts"]:
                story += [ChartFlowable(chart), Spacer(1, 0.4 * cm)]
        elif section["kind"] == "evidence":
            if not section["declarations"]:
                story.append(Paragraph(_pdf_text(_("No declaration validated for this year yet.")), styles["BodyText"]))
            for d in section["declarations"]:
                story.append(Paragraph(f"<b>{_pdf_text(d['organization'])}</b> — {_pdf_text(d['campaign'])}",
                                       styles["BodyText"]))
                # Each label as the DOCX table writes it (capital first), joined as the language writes a list
                # ("effectif en fin d’année : 42; emplois…" read lower case with an English semicolon in French).
                story.append(Paragraph(_pdf_text(pgettext("between figures of the annex", "; ").join(
                    _("%(field)s: %(error)s") % {"field": capfirst(label), "error": value}
                    for label, value in d["figures"])), cell))
                story.append(Paragraph(_pdf_text(f"{d['declared']}, {d['validated']}."), small))
                if d["evidence"]:
                    story.append(Paragraph(_pdf_text(_("Evidence: %(files)s") % {"files": ", ".join(d["evidence"])}),
                                           small))
                story.append(Spacer(1, 0.2 * cm))
        story.append(Spacer(1, 0.3 * cm))
    story += [Paragraph(_pdf_text(_("Method of the economic-impact figure")), styles["Heading3"]),
              Paragraph(_pdf_text(data.method), styles["BodyText"])]
    doc.build(story)
    return buffer.getvalue()


# --- DOCX ------------------------------------------------------------------------------------------------

def chart_png(chart) -> bytes:
    """The chart's shapes drawn with Pillow (the same shapes as the SVG and the PDF)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 2
    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "white")
    draw = ImageDraw.Draw(image)
    fonts = {}
    for s in chart.shapes:
        if s.kind == "rect":
            if s.w > 0 and s.h > 0:
                draw.rectangle([s.x * scale, s.y * scale, (s.x + s.w) * scale, (s.y + s.h) * scale], fill=s.color)
        elif s.kind == "line":
            draw.line([s.x * scale, s.y * scale, s.w * scale, s.h * scale], fill=s.color, width=2 * scale)
        else:
            size = s.size * scale
            if size not in fonts:
                fonts[size] = ImageFont.load_default(size=size)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            draw.text((s.x * scale, s.y * scale), s.text, fill=s.color, font=fonts[size], anchor=anchor)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def docx(data: Content) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    document.core_properties.title = data.title
    document.add_heading(data.title, level=0)
    document.add_paragraph(data.subtitle)
    for section in data.sections:
        document.add_heading(section["title"], level=1)
        if section["kind"] == "narrative":
            for paragraph in (section["text"] or "").split("\n\n"):
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
        elif section["kind"] == "indicators":
            table = document.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, (_("Indicator"), _("Value"), _("Source and method")),
                                  strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in section["rows"]:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = row["label"], row["value"]
                cells[2].text = " ".join(t for t in (row["source"], row["method"], row["coverage"]) if t)
                for run in cells[2].paragraphs[0].runs:
                    run.font.size = Pt(8)
        elif section["kind"] == "charts":
            for chart in section["charts"]:
                document.add_paragraph(chart.title).runs[0].bold = True
                document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(16))
        elif section["kind"] == "evidence":
            if not section["declarations"]:
                document.add_paragraph(_("No declaration validated for this year yet."))
            for d in section["declarations"]:
                document.add_heading(f"{d['organization']} — {d['campaign']}", level=2)
                table = document.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for label, value in d["figures"]:
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text = label[:1].upper() + label[1:], value
                document.add_paragraph(f"{d['declared']}, {d['validated']}.")
                if d["evidence"]:
                    document.add_paragraph(_("Evidence: %(files)s") % {"files": ", ".join(d["evidence"])})
    document.add_heading(_("Method of the economic-impact figure"), level=2)
    document.add_paragraph(data.method)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
