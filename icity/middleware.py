import logging

from django.core.exceptions import BadRequest
from django.db import IntegrityError
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import translation

from .errors import conflict_message
from .text import CONTROL, CONTROL_OR_BREAK, strip_control

logger = logging.getLogger(__name__)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's.

    Runs after AuthenticationMiddleware; LocaleMiddleware has already picked a
    language from the cookie or Accept-Language for anonymous visitors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ControlCharacterMiddleware:
    """One place where control characters in a request stop (issue 20).

    A path segment holding one cannot name anything: 404. A query-string key or
    value holding one is a broken link or a probe: 400. Posted form fields keep
    their text with the control characters stripped (tab and line breaks stay),
    so that nothing downstream stores a NUL (PostgreSQL refuses it) or an ESC
    (XLSX cannot hold it). JSON bodies get the same stripping in
    ``icity.parsers``; uploaded files are judged by ``tickets.uploads``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API answers in JSON, as its schema says, even before a view runs.
        api = request.path.startswith("/api/")
        if CONTROL_OR_BREAK.search(request.path):
            if api:
                return JsonResponse({"detail": "Not found."}, status=404)
            raise Http404
        for key, values in request.GET.lists():
            if CONTROL_OR_BREAK.search(key) or any(CONTROL_OR_BREAK.search(value) for value in values):
                if api:
                    return JsonResponse({"detail": "Control character in the query string."}, status=400)
                raise BadRequest("Control character in the query string.")
        if request.method == "POST" and request.content_type in FORM_TYPES:
            post = request.POST
            if any(CONTROL.search(key) or any(CONTROL.search(v) for v in values) for key, values in post.lists()):
                cleaned = QueryDict(mutable=True, encoding=post.encoding)
                for key, values in post.lists():
                    cleaned.setlist(strip_control(key), [strip_control(value) for value in values])
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)


class IntegrityErrorMiddleware:
    """A page whose view ends on a database constraint answers 409 with a message, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        logger.warning("IntegrityError answered 409 on %s: %s", request.path, exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": conflict_message()}, status=409)
        return render(request, "409.html", {"message": conflict_message()}, status=409)
