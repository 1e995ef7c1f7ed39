"""The monthly report's layout: ``render(data) -> (pdf bytes, pages)``.

Drawn with reportlab (platypus for the flow, reportlab.graphics for the charts) in the
active language; every Chinese glyph in the font of ``fonts.cjk_font``.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from anju.analytics.report.data import ReportData
from anju.analytics.report.fonts import cjk_font

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN
BLUE = colors.HexColor("#1f5fa8")
ORANGE = colors.HexColor("#e8833a")
GRID = colors.HexColor("#c8d0da")
SHADE = colors.HexColor("#eef3f9")

COUNTS = ("received", "resolved", "closed", "open", "withdrawn", "referred_out", "merged", "rated")
RATES = ("feedback_on_time_rate", "resolve_on_time_rate", "satisfied_share", "repeat_rate", "reopen_rate")
DURATIONS = ("feedback_median_s", "feedback_p90_s", "resolution_median_s", "resolution_p90_s")


def figure_labels() -> dict[str, str]:
    """The key figures in the order the report lists them."""
    return {
        "received": _("Complaints received"),
        "resolved": _("Resolved"),
        "closed": _("Closed"),
        "open": _("Still open"),
        "withdrawn": _("Withdrawn"),
        "referred_out": _("Referred out"),
        "merged": _("Merged as duplicates"),
        "feedback_on_time_rate": _("On-time feedback rate"),
        "resolve_on_time_rate": _("On-time resolution rate"),
        "feedback_median_s": _("Time to first feedback, median"),
        "feedback_p90_s": _("Time to first feedback, 90th percentile"),
        "resolution_median_s": _("Time to resolution, median"),
        "resolution_p90_s": _("Time to resolution, 90th percentile"),
        "satisfaction_avg": _("Average satisfaction (1–5)"),
        "satisfied_share": _("Share satisfied (4–5 stars)"),
        "rated": _("Ratings received"),
        "repeat_rate": _("Repeat-complaint rate"),
        "reopen_rate": _("Reopen rate"),
    }


# --------------------------------------------------------------------------- formatting


def duration_text(seconds: float) -> str:
    if seconds < 3600:
        return _("%(minutes)d min") % {"minutes": round(seconds / 60)}
    return _("%(hours).1f h") % {"hours": seconds / 3600}


def value_text(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name in RATES:
        return f"{value * 100:.1f}%"
    if name in DURATIONS:
        return duration_text(value)
    if name == "satisfaction_avg":
        return f"{value:.2f}"
    return f"{value:,}"


def change_text(name: str, now: Any, before: Any) -> str:
    if now is None or before is None:
        return "—"
    diff = now - before
    if name in RATES:
        return _("%(change)+.1f pts") % {"change": diff * 100}
    if name in DURATIONS:
        return _("%(change)+.1f h") % {"change": diff / 3600}
    if name == "satisfaction_avg":
        return f"{diff:+.2f}"
    return f"{diff:+,}"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


# --------------------------------------------------------------------------- styles


class Styles:
    def __init__(self, font: str) -> None:
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=20, leading=26, textColor=BLUE)
        self.subtitle = ParagraphStyle("subtitle", fontName=font, fontSize=13, leading=18)
        self.h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=10,
                                 spaceAfter=4, textColor=BLUE)
        self.body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14)
        self.small = ParagraphStyle("small", fontName=font, fontSize=8, leading=11,
                                    textColor=colors.HexColor("#555555"))
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)


def _escape(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table(styles: Styles, head: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
    """A striped table; the first column wraps (long names), the others are right-aligned."""
    body = [[Paragraph(_escape(r[0]), styles.cell), *[str(v) for v in r[1:]]] for r in rows]
    out = Table([[_escape(h) for h in head], *body], colWidths=widths, repeatRows=1)
    out.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), styles.font, 9),
        ("BACKGROUND", (0, 0), (-1, 0), BLUE),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return out


# --------------------------------------------------------------------------- charts


def _bars(font: str, values: list[int], names: list[str], height: float, *,
          angle: int = 0) -> tuple[Drawing, VerticalBarChart]:
    drawing = Drawing(WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 32, 42 if angle else 20
    chart.width, chart.height = WIDTH - 70, height - chart.y - 10
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = names or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5 if len(names) > 20 else 7.5
    if angle:
        chart.categoryAxis.labels.angle = angle
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dx = 4
    chart.valueAxis.valueMin = 0
    top = max(values or [0])
    chart.valueAxis.valueMax = max(top, 4) * 1.1
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    drawing.add(chart)
    return drawing, chart


def daily_chart(font: str, data: ReportData) -> Drawing:
    values = [b.count for b in data.daily]
    names = [str(int(b.key[-2:])) for b in data.daily]
    drawing, _chart = _bars(font, values, names, 62 * mm)
    return drawing


def pareto_chart(font: str, data: ReportData) -> Drawing:
    """Categories, largest first, with the cumulative share as a line on a 0–100% axis."""
    rows = data.categories
    names = [r.label if len(r.label) <= 8 else r.label[:7] + "…" for r in rows]
    drawing, chart = _bars(font, [r.count for r in rows], names, 78 * mm, angle=30)
    step = chart.width / max(len(rows), 1)
    points: list[float] = []
    for i, r in enumerate(rows):
        x, y = chart.x + (i + 0.5) * step, chart.y + r.cumulative * chart.height / 1.1
        points += [x, y]
        drawing.add(Circle(x, y, 1.8, fillColor=ORANGE, strokeColor=None))
    if len(points) >= 4:
        drawing.add(PolyLine(points, strokeColor=ORANGE, strokeWidth=1.4))
    right = chart.x + chart.width
    drawing.add(Line(right, chart.y, right, chart.y + chart.height, strokeColor=ORANGE, strokeWidth=0.6))
    for share in (0, 0.5, 1.0):
        y = chart.y + share * chart.height / 1.1
        drawing.add(String(right + 3, y - 2.5, f"{share:.0%}", fontName=font, fontSize=7, fillColor=ORANGE))
    return drawing


# --------------------------------------------------------------------------- sections


def _title(data: ReportData) -> str:
    place = data.estate.name if data.estate is not None else _("Whole company")
    return f"{place} · {date_format(data.month, 'YEAR_MONTH_FORMAT')}"


def _heading(s: Styles, data: ReportData) -> list[Flowable]:
    generated = date_format(timezone.localtime(data.generated_at), "DATETIME_FORMAT")
    if data.estate is not None:
        reach = _("Covers the complaints received at this estate in the month, as a project manager "
                  "sees them: confidential complaints are left out.")
    else:
        reach = _("Covers every complaint received in the month at every estate of the company, "
                  "confidential ones included.")
    return [
        Paragraph(_escape(_("Monthly complaint report")), s.title),
        Paragraph(_escape(_title(data)), s.subtitle),
        Spacer(1, 4),
        Paragraph(_escape(_("Generated %(when)s. Statuses, deadlines and ratings as of that moment.")
                          % {"when": generated}), s.small),
        Paragraph(_escape(reach), s.small),
    ]


def _figures(s: Styles, data: ReportData) -> list[Flowable]:
    rows = []
    for name, label in figure_labels().items():
        now, before = data.figures.get(name, (None, None))
        rows.append([label, value_text(name, now), value_text(name, before), change_text(name, now, before)])
    head = [_("Key figure"), _("This month"), _("Previous month"), _("Change")]
    return [Paragraph(_escape(_("Key figures")), s.h2),
            table(s, head, rows, [WIDTH * 0.46, WIDTH * 0.18, WIDTH * 0.18, WIDTH * 0.18])]


def _pareto_rows(rows: list[Any]) -> list[list[Any]]:
    return [[r.label, f"{r.count:,}", percent(r.share), percent(r.cumulative)] for r in rows]


def _none(s: Styles, text: str) -> Paragraph:
    return Paragraph(_escape(text), s.body)


def _volume(s: Styles, data: ReportData) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(_escape(_("Complaints received by day")), s.h2)]
    out.append(daily_chart(s.font, data))
    return [KeepTogether(out)]


def _causes(s: Styles, data: ReportData) -> list[Flowable]:
    head = [_("Category"), _("Complaints"), _("Share"), _("Cumulative")]
    widths = [WIDTH * 0.46, WIDTH * 0.18, WIDTH * 0.18, WIDTH * 0.18]
    out: list[Flowable] = [Paragraph(_escape(_("Cause shares by category (Pareto)")), s.h2)]
    if not data.categories:
        return [*out, _none(s, _("No classified complaints this month."))]
    out += [pareto_chart(s.font, data), Spacer(1, 4), table(s, head, _pareto_rows(data.categories), widths)]
    root = [Paragraph(_escape(_("Top root causes")), s.h2),
            Paragraph(_escape(_("Recorded when a complaint is resolved; complaints still open have "
                                "none yet.")), s.small)]
    if data.root_causes:
        root.append(table(s, [_("Root cause"), *head[1:]], _pareto_rows(data.root_causes), widths))
    else:
        root.append(_none(s, _("No root causes recorded for this month's complaints.")))
    return [KeepTogether(out[:2]), *out[2:], KeepTogether(root)]


def _satisfaction_and_places(s: Styles, data: ReportData) -> list[Flowable]:
    widths = [WIDTH * 0.64, WIDTH * 0.36]
    reasons: list[Flowable] = [Paragraph(_escape(_("Reasons for dissatisfaction")), s.h2)]
    if data.dissatisfaction:
        reasons.append(table(s, [_("Reason"), _("Answers")],
                             [[b.label, f"{b.count:,}"] for b in data.dissatisfaction], widths))
    else:
        reasons.append(_none(s, _("No dissatisfied ratings this month.")))
    title = _("Where complaints came from: buildings") if data.place_by == "building" \
        else _("Where complaints came from: estates")
    places: list[Flowable] = [Paragraph(_escape(title), s.h2)]
    if data.places:
        places.append(table(s, [_("Place"), _("Complaints")],
                            [[b.label, f"{b.count:,}"] for b in data.places], widths))
    else:
        places.append(_none(s, _("No complaints received this month.")))
    return [KeepTogether(reasons), KeepTogether(places)]


def _warnings(s: Styles, data: ReportData) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(_escape(_("Warnings raised this month")), s.h2)]
    if not data.warnings:
        return [KeepTogether([*out, _none(s, _("No warnings were raised this month."))])]
    rows = [[w.label, f"{w.count:,}", f"{w.open:,}"] for w in data.warnings]
    rows.append([_("Total"), f"{sum(w.count for w in data.warnings):,}",
                 f"{sum(w.open for w in data.warnings):,}"])
    out.append(table(s, [_("Kind"), _("Raised"), _("Not yet acknowledged")], rows,
                     [WIDTH * 0.5, WIDTH * 0.22, WIDTH * 0.28]))
    return [KeepTogether(out)]


# --------------------------------------------------------------------------- document


def render(data: ReportData) -> tuple[bytes, int]:
    """The PDF of ``data`` in the active language, and its number of pages."""
    font = cjk_font()
    s = Styles(font)
    header = f"{_('Anju')} · {_('Monthly complaint report')} · {_title(data)}"

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, PAGE_H - 12 * mm, header)
        canvas.setStrokeColor(GRID)
        canvas.line(MARGIN, PAGE_H - 13.5 * mm, PAGE_W - MARGIN, PAGE_H - 13.5 * mm)
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, _("Page %(page)d") % {"page": doc.page})
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + 4 * mm, bottomMargin=MARGIN, title=_title(data),
                            author=_("Anju"), subject=_("Monthly complaint report"))
    story = [*_heading(s, data), *_figures(s, data), *_volume(s, data), *_causes(s, data),
             *_satisfaction_and_places(s, data), *_warnings(s, data)]
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue(), doc.page
