"""The funders' report: KPI values, the method, and the charts, as a PDF (reportlab)."""

import io

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .kpis import Report, as_rows


class ChartFlowable(Flowable):
    def __init__(self, chart, width=16 * cm):
        super().__init__()
        self.chart, self.scale = chart, width / chart.width
        self.width, self.height = width, chart.height * self.scale + 16

    def draw(self):
        drawing = Drawing(self.chart.width, self.chart.height)
        h = self.chart.height
        for s in self.chart.shapes:
            color = colors.HexColor(s.color)
            if s.kind == "rect":
                drawing.add(Rect(s.x, h - s.y - s.h, max(s.w, 0), max(s.h, 0), fillColor=color, strokeColor=None))
            elif s.kind == "line":
                drawing.add(Line(s.x, h - s.y, s.w, h - s.h, strokeColor=color, strokeWidth=2))
            else:
                drawing.add(String(s.x, h - s.y, s.text, fontSize=s.size, fillColor=color,
                                   textAnchor={"start": "start", "middle": "middle", "end": "end"}[s.anchor]))
        drawing.scale(self.scale, self.scale)
        drawing.width, drawing.height = self.width, self.chart.height * self.scale
        self.canv.setFont("Helvetica-Bold", 10)
        self.canv.drawString(0, self.height - 10, self.chart.title)
        renderPDF.draw(drawing, self.canv, 0, 0)


def pdf(report: Report, charts) -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=_("Guichet impact report"), leftMargin=2 * cm,
                            rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm)
    story = [
        Paragraph(_("Marseille Immunology Biocluster — impact report"), styles["Title"]),
        Paragraph(_("Period %(start)s – %(end)s, figures as of %(as_of)s") % {
            "start": formats.date_format(report.start), "end": formats.date_format(report.end),
            "as_of": formats.date_format(report.as_of)}, styles["Normal"]),
        Spacer(1, 0.4 * cm),
    ]
    rows = [[_("Indicator"), _("Value")]] + [[str(label), _number(value)] for _key, label, value in as_rows(report)]
    targets = report.series.get("targets", {})
    for _key, t in sorted(targets.items(), key=lambda kv: (kv[1]["year"], kv[0])):
        rows.append([_("Target: %(label)s by %(year)s") % {"label": t["label"], "year": t["year"]},
                     _number(t["value"])])
    table = Table(rows, colWidths=[11 * cm, 5 * cm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold"), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                               ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.whitesmoke, colors.white])]))
    story += [table, Spacer(1, 0.4 * cm), Paragraph(_("Method of the economic-impact figure"), styles["Heading3"]),
              Paragraph(report.method, styles["Normal"]), Spacer(1, 0.4 * cm)]
    for chart in charts:
        story += [ChartFlowable(chart), Spacer(1, 0.5 * cm)]
    doc.build(story)
    return buffer.getvalue()


def _number(value) -> str:
    if value is None:
        return "—"
    return formats.number_format(value, decimal_pos=0 if float(value) == int(float(value)) else 1,
                                 use_l10n=True, force_grouping=True)
