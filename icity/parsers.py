"""DRF parsers that strip control characters from every text value (issue 20).

The same rule as ``icity.middleware.ControlCharacterMiddleware`` applies to form
posts; these cover JSON and the API's own form parsing, so that no serializer
ever sees a NUL or an ESC.
"""

from django.http import QueryDict
from rest_framework import parsers
from rest_framework.parsers import DataAndFiles

from .text import clean_data, strip_control


def _clean_querydict(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(strip_control(key), [strip_control(v) if isinstance(v, str) else v for v in values])
    cleaned._mutable = False
    return cleaned


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return clean_data(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _clean_querydict(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return DataAndFiles(_clean_querydict(parsed.data), parsed.files)
