"""Template access to ``assets.hooks``: links that a higher layer (the helpdesk) provides."""

from django import template

from assets import hooks

register = template.Library()


@register.simple_tag
def problem_report_url(asset) -> str:
    """``{% problem_report_url asset as url %}``: empty when no helpdesk registered the hook."""
    return hooks.problem_report_url(asset)


@register.simple_tag
def ticket_url(reference: str) -> str:
    """``{% ticket_url line.loss_ticket as url %}``: the ticket's page, empty if unknown or malformed."""
    return hooks.ticket_url(reference)
