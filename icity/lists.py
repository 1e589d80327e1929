"""One way for list pages and list endpoints to filter, order and paginate.

Pages: ``page_of`` cuts a queryset (or a list of ids) into pages of ``PAGE_SIZE``; ``choice`` reads
a query parameter against an allow-list (anything else is the default, never an error and never
passed to the database); ``query_without_page`` is the query string the pagination links extend.
API: ``FilteredListViewSet`` is the read-only list/detail viewset with allow-listed filters
(``filterset_class``) and orderings (``ordering_fields``); pagination is the project default
(``icity.pagination.StandardPagination``).
"""

from collections.abc import Container

import django_filters.rest_framework
from django.core.paginator import Page, Paginator
from rest_framework import mixins, viewsets
from rest_framework.filters import OrderingFilter

PAGE_SIZE = 50
# Filters and orderings of every API list: only what a viewset allow-lists is honoured.
FILTER_BACKENDS = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]


def page_of(request, rows, *, per_page: int = PAGE_SIZE) -> Page:
    """The page the request asks for (``?page=``); out of range or not a number: the nearest page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def choice(request, name: str, allowed: Container[str], default: str = "") -> str:
    """A query parameter's value if it is on the allow-list, else the default."""
    value = request.GET.get(name, default)
    return value if value in allowed else default


def query_without_page(request) -> str:
    """The current filters and ordering as a query string, for the pagination links to extend."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class FilteredListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and detail with the allow-listed filters (``filterset_class``) and orderings
    (``ordering_fields``) a subclass declares, paginated by the project default."""

    filter_backends = FILTER_BACKENDS
