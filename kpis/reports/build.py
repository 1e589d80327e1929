"""Build the monthly report's files from the stored snapshots: a PDF with charts and an XLSX with native charts.

Only stored figures are read (``Snapshot`` rows, overall scope), never live
computations, so a report rebuilt later says what the snapshots say. Text
from people (KPI names are ours, comments are not) is escaped in the PDF and
formula-neutralised in the XLSX.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from icity.spreadsheets import neutralise_formula

from ..definitions import all_kpis
from ..definitions.base import DOMAINS, Kpi, Period
from ..models import Snapshot, Target

DOMAIN_NAMES = {
    "helpdesk": gettext_lazy("Helpdesk"),
    "knowledge": gettext_lazy("Knowledge base"),
    "logistics": gettext_lazy("Logistics"),
    "fleet": gettext_lazy("Fleet and Green IT"),
    "schools": gettext_lazy("School PC programme"),
    "surveys": gettext_lazy("Satisfaction surveys"),
    "manual": gettext_lazy("Entered by hand"),
}
UNIT_SUFFIX = {"percent": " %", "hours": " h", "days": " d", "kg": " kg", "eur": " €"}
HISTORY_MONTHS = 13
STATUS_COLOURS = {"green": "#1b7a3a", "amber": "#a05a00", "red": "#b3261e"}


def status_of(kpi: Kpi, value: Decimal | None, target: Target | None) -> str:
    """green, amber, red, or "" (no target, no value, no direction)."""
    if value is None or target is None or kpi.direction == "none":
        return ""
    gap = value - target.target if kpi.direction == "higher" else target.target - value
    if gap >= 0:
        return "green"
    return "amber" if -gap <= target.amber_band else "red"


def status_label(status: str) -> str:
    words = {
        "green": pgettext("report status", "On target"),
        "amber": pgettext("report status", "Close to target"),
        "red": pgettext("report status", "Off target"),
    }
    return words.get(status, "")


def months_back(month: date, count: int) -> list[date]:
    periods = [Period.of(month)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return [period.month for period in reversed(periods)]


@dataclass
class Row:
    kpi: Kpi
    value: Decimal | None
    previous: Decimal | None
    target: Target | None
    history: list[Decimal | None]
    status: str = ""

    def __post_init__(self):
        self.status = status_of(self.kpi, self.value, self.target)


@dataclass
class Section:
    domain: str
    rows: list[Row]
    comment: str = ""
    charts: list = field(default_factory=list)


def sections_for(month: date, comments: dict[str, str] | None = None) -> list[Section]:
    """Every KPI's figure for the month, last month and 13 months of history: two queries."""
    comments = comments or {}
    months = months_back(month, HISTORY_MONTHS)
    values: dict[tuple[str, date], Decimal | None] = {
        (code, when): value
        for code, when, value in Snapshot.objects.filter(
            scope_kind="", month__gte=months[0], month__lte=month
        ).values_list("code", "month", "value")
    }
    targets = {target.code: target for target in Target.objects.filter(year=month.year)}
    previous = Period.of(month).previous().month
    sections: dict[str, Section] = {}
    for kpi in all_kpis():
        row = Row(
            kpi=kpi,
            value=values.get((kpi.code, month)),
            previous=values.get((kpi.code, previous)),
            target=targets.get(kpi.code),
            history=[values.get((kpi.code, when)) for when in months],
        )
        sections.setdefault(kpi.domain, Section(kpi.domain, [], comments.get(kpi.domain, ""))).rows.append(row)
    return [sections[domain] for domain in DOMAINS if domain in sections]


def shown(value: Decimal | None, kpi: Kpi) -> str:
    if value is None:
        return _("no data")
    places = 0 if kpi.unit == "count" else 1
    return formats.number_format(round(value, places), places, use_l10n=True) + UNIT_SUFFIX.get(kpi.unit, "")


def approval_line(approved: tuple | None) -> str:
    """ "Approved by … on …" for a sent report, "Draft" otherwise; in the active language."""
    if not approved:
        return _("Draft: not approved yet.")
    name, when = approved
    return _("Approved by %(name)s on %(date)s.") % {
        "name": name,
        "date": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT"),
    }


def month_name(month: date) -> str:
    return formats.date_format(month, "F Y")


# ------------------------------------------------------------------------------------------ PDF


def _chart(row: Row, months: list[date]) -> Drawing:
    """13 bars, one per month; a missing month is a gap, not a zero bar."""
    drawing = Drawing(85 * mm, 38 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 8 * mm, 6 * mm, 74 * mm, 24 * mm
    chart.data = [[float(value) if value is not None else None for value in row.history]]
    chart.categoryAxis.categoryNames = [f"{when:%m}" for when in months]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#1f4e79")
    drawing.add(chart)
    drawing.add(String(2 * mm, 34 * mm, f"{row.kpi.code} {row.kpi.name}"[:60], fontSize=7))
    return drawing


def build_pdf(*, month: date, language: str, comments: dict[str, str], approved: tuple | None = None) -> bytes:
    with translation.override(language):
        styles = getSampleStyleSheet()
        title = _("i-CITY monthly report: %(month)s") % {"month": month_name(month)}
        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=title,
            author="i-CITY",
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
        )
        story = [Paragraph(escape(title), styles["Title"])]
        story.append(Paragraph(escape(approval_line(approved)), styles["BodyText"]))
        months = months_back(month, HISTORY_MONTHS)
        for section in sections_for(month, comments):
            story.append(Paragraph(escape(str(DOMAIN_NAMES[section.domain])), styles["Heading2"]))
            header = [_("Code"), _("Indicator"), month_name(month), _("Previous month"), _("Target"), _("Status")]
            body = [header] + [
                [
                    row.kpi.code,
                    str(row.kpi.name),
                    shown(row.value, row.kpi),
                    shown(row.previous, row.kpi),
                    shown(row.target.target, row.kpi) if row.target else "—",
                    status_label(row.status) or "—",
                ]
                for row in section.rows
            ]
            cells = [[Paragraph(escape(str(cell)), styles["BodyText"]) for cell in line] for line in body]
            table = Table(cells, colWidths=[15 * mm, 62 * mm, 27 * mm, 27 * mm, 22 * mm, 27 * mm], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
            if section.comment:
                story.append(Spacer(1, 3 * mm))
                story.append(Paragraph(f"<b>{escape(_('Comment'))}</b>", styles["BodyText"]))
                story.append(Paragraph(escape(section.comment).replace("\n", "<br/>"), styles["BodyText"]))
            charted = [row for row in section.rows if any(value is not None for value in row.history)]
            if charted:
                story.append(Spacer(1, 3 * mm))
                drawings = [_chart(row, months) for row in charted]
                grid = [drawings[index : index + 2] for index in range(0, len(drawings), 2)]
                if len(grid[-1]) == 1:
                    grid[-1].append("")
                story.append(KeepTogether(Table(grid, colWidths=[90 * mm, 90 * mm])))
            story.append(PageBreak())
        document.build(story)
        return buffer.getvalue()


# ------------------------------------------------------------------------------------------ XLSX


def build_xlsx(*, month: date, language: str, comments: dict[str, str], approved: tuple | None = None) -> bytes:
    """One sheet per domain: the month's table, the comment, 13 months of history and one native chart per KPI."""
    with translation.override(language):
        workbook = Workbook()
        workbook.remove(workbook.active)
        months = months_back(month, HISTORY_MONTHS)
        bold = Font(bold=True)
        for section in sections_for(month, comments):
            sheet = workbook.create_sheet(str(DOMAIN_NAMES[section.domain])[:31])
            sheet.append([neutralise_formula(_("i-CITY monthly report: %(month)s") % {"month": month_name(month)})])
            sheet.append([neutralise_formula(approval_line(approved))])
            sheet.append([])
            header = [
                _("Code"),
                _("Indicator"),
                _("Unit"),
                month_name(month),
                _("Previous month"),
                _("Target"),
                _("Status"),
            ]
            sheet.append(header)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in section.rows:
                sheet.append(
                    [
                        row.kpi.code,
                        neutralise_formula(str(row.kpi.name)),
                        row.kpi.unit,
                        _number(row.value),
                        _number(row.previous),
                        _number(row.target.target) if row.target else None,
                        status_label(row.status),
                    ]
                )
            sheet.append([])
            if section.comment:
                sheet.append([_("Comment"), neutralise_formula(section.comment)])
                sheet.append([])
            # History: one row per month, one column per KPI; the charts read from it.
            history_top = sheet.max_row + 1
            sheet.append([_("Month"), *[row.kpi.code for row in section.rows]])
            for index, when in enumerate(months):
                sheet.append([f"{when:%Y-%m}", *[_number(row.history[index]) for row in section.rows]])
            anchor_row = history_top
            for column, row in enumerate(section.rows, start=2):
                if all(value is None for value in row.history):
                    continue
                chart = BarChart()
                chart.title = f"{row.kpi.code} {row.kpi.name}"[:80]
                chart.height, chart.width = 5, 12
                data = Reference(sheet, min_col=column, min_row=history_top, max_row=history_top + len(months))
                chart.add_data(data, titles_from_data=True)
                chart.set_categories(
                    Reference(sheet, min_col=1, min_row=history_top + 1, max_row=history_top + len(months))
                )
                chart.legend = None
                sheet.add_chart(chart, f"J{anchor_row}")
                anchor_row += 11
            sheet.column_dimensions["B"].width = 45
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
