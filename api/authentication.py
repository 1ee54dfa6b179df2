"""``Authorization: Bearer <key>``: API keys of partner organisations and of staff users."""

import hmac
from datetime import datetime, timedelta
from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.keys import api_key_hash, api_key_parse
from api.models import ApiKey
from api.principal import PartnerKeyUser

# last_used_at is refreshed at most this often, so that pulling a thousand pages is not a
# thousand extra writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User | PartnerKeyUser, ApiKey] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the API key as “Authorization: Bearer <key>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        prefix = api_key_parse(token)
        api_key = ApiKey.objects.select_related("partner", "user").filter(prefix=prefix).first() if prefix else None
        if api_key is None or not hmac.compare_digest(api_key.hashed_key, api_key_hash(token)):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        # Known from here on: the request log records it whatever the outcome.
        request._request.zlagoda_api_key = api_key  # type: ignore[attr-defined]  # read by ApiMiddleware
        now = timezone.now()
        user = self._user_of(api_key, now)
        if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return user, api_key

    @staticmethod
    def _user_of(api_key: ApiKey, now: datetime) -> User | PartnerKeyUser:
        """Who ``api_key`` authenticates; raises when the key, or its owner, may not be used."""
        if api_key.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if api_key.is_expired(now):
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        if api_key.partner is not None:
            if not api_key.partner.is_active:
                raise exceptions.AuthenticationFailed(_("The partner organisation of this API key is not active."))
            return PartnerKeyUser(api_key.partner)
        user = cast(User, api_key.user)  # a key without a partner has a user (check constraint)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("The user of this API key is not active."))
        return user

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
