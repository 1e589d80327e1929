"""A constraint the database enforces is a refused request, never a 500 (issue 20).

Forms and serializers validate what they can first; a race or a combination
they did not foresee still ends at the database, and the person gets a 409 with
a plain message instead of an error page. The database's own wording (table and
constraint names) stays in the log.
"""

import logging

from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger(__name__)


def conflict_message() -> str:
    return _("This change conflicts with data that already exists or with a rule of the data; nothing was saved.")


def api_exception_handler(exc, context):
    """DRF's handler, plus IntegrityError as 409 Conflict."""
    if isinstance(exc, IntegrityError):
        logger.warning("IntegrityError answered 409: %s", exc)
        set_rollback()
        return Response({"detail": conflict_message()}, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)
