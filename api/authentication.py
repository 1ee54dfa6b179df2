"""``Authorization: Bearer <key>``: API keys of partner organisations and of staff users.

A key that does not work, whatever the reason (unknown, wrong, revoked, expired, its owner
inactive), gets one answer, so that a caller learns nothing about which keys exist. An address
that sent ``settings.API_KEY_FAILURE_LIMIT`` such keys within ``API_KEY_FAILURE_WINDOW_SECONDS``
gets 429 with ``Retry-After`` for any key until its window ends.
"""

import hmac
import logging
import time
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.keys import api_key_hash, api_key_parse
from api.models import ApiKey
from api.principal import PartnerKeyUser
from api.throttling import window_count, window_peek

# last_used_at is refreshed at most this often, so that pulling a thousand pages is not a
# thousand extra writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)

security_log = logging.getLogger("zlagoda.security")

INVALID_KEY = _("Invalid API key.")
# Compared against when no key has the presented prefix, so that an unknown prefix takes as long
# to refuse as a known one with the wrong secret.
_NO_SUCH_HASH = api_key_hash("zlg_00000000_no-such-key")


def _failures_key(address: str) -> str:
    return f"zlagoda-api-key-failures:{address}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User | PartnerKeyUser, ApiKey] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        address = request._request.META.get("REMOTE_ADDR") or "unknown"
        now = time.time()
        failures, until = window_peek(_failures_key(address), now)
        if failures >= settings.API_KEY_FAILURE_LIMIT:
            # Worded and given Retry-After by api.errors.exception_handler.
            raise exceptions.Throttled(wait=max(1.0, until - now))
        try:
            return self._authenticate(request, header)
        except exceptions.AuthenticationFailed:
            window_count(_failures_key(address), settings.API_KEY_FAILURE_WINDOW_SECONDS, now)
            security_log.warning("API key refused: address=%s", address)
            raise

    def _authenticate(self, request: Request, header: list[bytes]) -> tuple[User | PartnerKeyUser, ApiKey]:
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the API key as “Authorization: Bearer <key>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID_KEY) from None
        prefix = api_key_parse(token)
        api_key = ApiKey.objects.select_related("partner", "user").filter(prefix=prefix).first() if prefix else None
        expected = api_key.hashed_key if api_key is not None else _NO_SUCH_HASH
        if not hmac.compare_digest(expected, api_key_hash(token)) or api_key is None:
            raise exceptions.AuthenticationFailed(INVALID_KEY)
        # Known from here on: the request log records it whatever the outcome.
        request._request.zlagoda_api_key = api_key  # type: ignore[attr-defined]  # read by ApiMiddleware
        now = timezone.now()
        user = self._user_of(api_key, now)
        if user is None:
            raise exceptions.AuthenticationFailed(INVALID_KEY)
        if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return user, api_key

    @staticmethod
    def _user_of(api_key: ApiKey, now: datetime) -> User | PartnerKeyUser | None:
        """Who ``api_key`` authenticates; ``None`` when the key (revoked, expired) or its owner
        (inactive) may not be used. The caller is not told which."""
        if api_key.is_revoked or api_key.is_expired(now):
            return None
        if api_key.partner is not None:
            return PartnerKeyUser(api_key.partner) if api_key.partner.is_active else None
        user = cast(User, api_key.user)  # a key without a partner has a user (check constraint)
        return user if user.is_active else None

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
