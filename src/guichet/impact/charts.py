"""Charts drawn once as primitive shapes, rendered as SVG for the pages and with reportlab in the PDF."""

from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _

from guichet.directory.models import TherapeuticArea
from guichet.partnerships.models import Stage
from guichet.programmes.models import ProgrammeStage

PALETTE = ["#0b5cab", "#2e8b57", "#d4a017", "#c0392b", "#7d3c98", "#16a085", "#e67e22", "#566573", "#1abc9c"]


@dataclass
class Shape:
    kind: str  # rect | line | text
    x: float
    y: float
    w: float = 0
    h: float = 0
    color: str = "#000"
    text: str = ""
    size: int = 11
    anchor: str = "start"


@dataclass
class Chart:
    title: str
    width: int
    height: int
    shapes: list[Shape]

    def svg(self) -> str:
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" role="img" '
               f'aria-label="{escape(self.title)}" width="100%">']
        for s in self.shapes:
            if s.kind == "rect":
                out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{max(s.w, 0):.1f}" height="{max(s.h, 0):.1f}" '
                           f'fill="{s.color}"/>')
            elif s.kind == "line":
                out.append(f'<line x1="{s.x:.1f}" y1="{s.y:.1f}" x2="{s.w:.1f}" y2="{s.h:.1f}" stroke="{s.color}" '
                           f'stroke-width="2"/>')
            else:
                out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size}" text-anchor="{s.anchor}" '
                           f'fill="{s.color}">{escape(s.text)}</text>')
        out.append("</svg>")
        return "".join(out)


def bars(title: str, items: list[tuple[str, float]], *, width=560, height=240, color=PALETTE[0]) -> Chart:
    shapes, n = [], max(len(items), 1)
    top = max([v for _, v in items] + [1])
    plot_h, base = height - 50, height - 30
    step = (width - 40) / n
    for i, (label, value) in enumerate(items):
        h = plot_h * float(value) / float(top)
        x = 30 + i * step
        shapes.append(Shape("rect", x + step * 0.15, base - h, step * 0.7, h, color))
        shapes.append(Shape("text", x + step / 2, base - h - 4, text=_fmt(value), size=10, anchor="middle"))
        shapes.append(Shape("text", x + step / 2, base + 16, text=str(label), size=10, anchor="middle"))
    shapes.append(Shape("line", 25, base, width - 5, base, "#999"))
    return Chart(title, width, height, shapes)


def lines(title: str, series: dict[str, list[tuple[int, float]]], *, width=560, height=240) -> Chart:
    xs = sorted({x for points in series.values() for x, _ in points})
    top = max([v for points in series.values() for _, v in points] + [1])
    shapes, base, plot_h = [], height - 40, height - 70
    if len(xs) < 2:
        xs = xs + [xs[0] + 1] if xs else [0, 1]
    span = xs[-1] - xs[0]

    def px(x):
        return 40 + (width - 60) * (x - xs[0]) / span

    def py(v):
        return base - plot_h * float(v) / float(top)
    for index, (name, points) in enumerate(series.items()):
        color = PALETTE[index % len(PALETTE)]
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            shapes.append(Shape("line", px(x1), py(y1), px(x2), py(y2), color))
        if points:
            shapes.append(Shape("text", px(points[-1][0]) - 4, py(points[-1][1]) - 6, text=_("%(series)s: %(value)s") % {
                "series": name, "value": _fmt(points[-1][1])}, size=10, color=color, anchor="end"))
    for x in xs[:: max(1, len(xs) // 8)]:
        shapes.append(Shape("text", px(x), base + 16, text=str(x), size=10, anchor="middle"))
    shapes.append(Shape("line", 35, base, width - 15, base, "#999"))
    return Chart(title, width, height, shapes)


def funnel(title: str, items: list[tuple[str, float]], *, width=560, height=200) -> Chart:
    top = max([v for _, v in items] + [1])
    shapes, row = [], (height - 20) / max(len(items), 1)
    for i, (label, value) in enumerate(items):
        w = (width - 200) * float(value) / float(top)
        x = 150 + ((width - 200) - w) / 2
        shapes.append(Shape("rect", x, 10 + i * row, w, row * 0.75, PALETTE[i % len(PALETTE)]))
        shapes.append(Shape("text", 140, 10 + i * row + row * 0.5, text=str(label), size=11, anchor="end"))
        shapes.append(Shape("text", width - 40, 10 + i * row + row * 0.5, text=_fmt(value), size=11))
    return Chart(title, width, height, shapes)


def stacked(title: str, groups: dict[str, dict[str, int]], order: list[tuple[str, str]], *, width=560,
            height=260) -> Chart:
    """One bar per group, stacked by category in `order` [(key, label)], with a legend."""
    names = sorted(groups)
    top = max([sum(g.values()) for g in groups.values()] + [1])
    shapes, base, plot_h = [], height - 70, height - 90
    step = (width - 40) / max(len(names), 1)
    for i, name in enumerate(names):
        y = base
        for j, (key, _label) in enumerate(order):
            value = groups[name].get(key, 0)
            h = plot_h * value / top
            shapes.append(Shape("rect", 30 + i * step + step * 0.2, y - h, step * 0.6, h, PALETTE[j % len(PALETTE)]))
            y -= h
        shapes.append(Shape("text", 30 + i * step + step / 2, base + 14, text=str(name), size=10, anchor="middle"))
    for j, (_key, label) in enumerate(order):
        x, y = 10 + (j % 4) * 140, height - 36 + (j // 4) * 14
        shapes.append(Shape("rect", x, y - 9, 10, 10, PALETTE[j % len(PALETTE)]))
        shapes.append(Shape("text", x + 14, y, text=str(label), size=9))
    return Chart(title, width, height, shapes)


def _fmt(value) -> str:
    value = float(value)
    return f"{value:,.0f}".replace(",", " ") if value >= 100 or value == int(value) else f"{value:.1f}"


def build_charts(rep) -> list:
    """The charts of a report (a `kpis.Report`): the dashboard draws them as SVG, the PDF with reportlab."""
    s = rep.series
    trajectory = s.get("startups_trajectory", [])
    area_labels = dict(TherapeuticArea.choices)
    stage_labels = dict(Stage.choices)
    return [
        lines(_("Start-ups created (cumulative) and the trajectory to the 2030 target"),
                     {_("created"): s["startups_cumulative"], _("trajectory"): trajectory}),
        bars(_("Partnerships signed per year"), s["partnerships_per_year"]),
        funnel(_("Partnership funnel"), [(str(stage_labels.get(k, k)), n) for k, n in s["partnership_funnel"]]),
        stacked(_("Antibody programmes by therapeutic area and stage"),
                       {str(area_labels.get(a, a)): v for a, v in s["programmes_by_area_stage"].items()},
                       [(st.value, str(st.label)) for st in ProgrammeStage]),
    ]
