"""Server-rendered SVG bar charts: no script, no CDN, every bar labelled with its number."""

from django import template
from django.utils.formats import number_format

register = template.Library()

ROW_HEIGHT = 28
LABEL_WIDTH = 170
BAR_WIDTH = 330


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
    }
