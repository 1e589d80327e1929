"""Template access to ``assets.hooks``: links that a higher layer (the helpdesk) provides."""

from django import template

from assets import hooks

register = template.Library()


@register.simple_tag
def problem_report_url(asset) -> str:
    """``{% problem_report_url asset as url %}``: empty when no helpdesk registered the hook."""
    return hooks.problem_report_url(asset)
