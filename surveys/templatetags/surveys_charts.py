"""Server-rendered SVG bar charts: no script, no CDN, every bar labelled with its number."""

from django import template
from django.utils.formats import number_format

register = template.Library()

ROW_HEIGHT = 28
LABEL_WIDTH = 170
BAR_WIDTH = 330
# Room right of the longest bar for its value ("hidden (fewer ratings than the minimum)" in
# French is the longest): the text never runs past the drawing and gets cut.
VALUE_WIDTH = 320
CHART_WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH


@register.inclusion_tag("surveys/_chart.html")
def bar_chart(bars, question):
    rows = []
    for index, bar in enumerate(bars):
        width = round(BAR_WIDTH * (bar.percent or 0) / 100, 1)
        rows.append(
            {
                "label": bar.label if len(bar.label) <= 26 else bar.label[:25] + "…",
                "full_label": bar.label,
                "value_text": f"{bar.count} ({number_format(bar.percent)}%)",
                "y": index * ROW_HEIGHT,
                "text_y": index * ROW_HEIGHT + 18,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "rows": rows,
        "chart_id": f"chart-{question.pk}",
        "title": question.text,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": ROW_HEIGHT - 8,
        "chart_width": CHART_WIDTH,
    }


@register.inclusion_tag("surveys/_chart.html")
def csat_chart(cells, title, chart_id="csat-chart"):
    """Monthly CSAT % bars; a hidden or empty month is labelled as such, not drawn."""
    from django.utils import formats
    from django.utils.translation import gettext as _

    rows = []
    for index, cell in enumerate(cells):
        percent = cell.csat_percent
        width = round(BAR_WIDTH * (percent or 0) / 100, 1)
        label = formats.date_format(cell.month, "YEAR_MONTH_FORMAT")
        if cell.hidden:
            value_text = _("hidden (fewer ratings than the minimum)")
        elif not cell.ratings:
            value_text = _("no ratings")
        else:
            value_text = _("%(percent)s%% of %(count)s ratings") % {
                "percent": number_format(percent),
                "count": cell.ratings,
            }
        rows.append(
            {
                "label": label,
                "full_label": label,
                "value_text": value_text,
                "y": index * ROW_HEIGHT,
                "text_y": index * ROW_HEIGHT + 18,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "rows": rows,
        "chart_id": chart_id,
        "title": title,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": ROW_HEIGHT - 8,
        "chart_width": CHART_WIDTH,
    }
