"""Personal API tokens: issue, authenticate (recording the last use) and revoke.

The key is 40 random hex characters given to the person once; the database
keeps its SHA-256, so a leaked database copy holds no usable token.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken, User

# A person keeps at most this many tokens: issuing one more drops the least recently used.
MAX_TOKENS_PER_USER = 10
# The last use is written at most once a minute per token: not one UPDATE per API call.
LAST_USE_PRECISION = timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the key (shown once, never stored)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(user=user, name=name[:100], digest=_digest(key), prefix=key[:8])
    stale = ApiToken.objects.filter(user=user).order_by("-last_used_at", "-created_at").values_list("pk", flat=True)
    ApiToken.objects.filter(pk__in=list(stale[MAX_TOKENS_PER_USER:])).delete()
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when there is no such token."""
    deleted, _detail = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def user_log_out_everywhere(*, user: User) -> None:
    """End every session (new session stamp) and every API token of ``user``."""
    User.objects.filter(pk=user.pk).update(session_stamp=secrets.token_hex(16))
    ApiToken.objects.filter(user=user).delete()


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` against the stored digests; records when a token was last used."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return (token.user, token)
