"""API keys: issuing (the key is shown once; only its hash is kept), revoking, recognising a
presented key, and forgetting old entries of the request log."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.capabilities import Capability
from access.viewer import Viewer
from api.models import ApiKey, ApiRequest

API_KEY_PREFIX = "zlg"


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    token: str  # shown once; only its hash is stored


def api_key_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_key_parse(token: str) -> str | None:
    """The lookup prefix of a presented key, or ``None`` if it is not shaped like one of ours."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def api_key_check_owner(*, partner: Any, user: User | None, expires_at: datetime | None) -> None:
    """Raise ``ValidationError`` unless a key may be issued to this owner with this expiry."""
    if (partner is None) == (user is None):
        raise ValidationError(_("An API key belongs either to a partner organisation or to a staff user."))
    if user is not None and not Viewer.for_user(user).can(Capability.HOLDS_PERSONAL_API_KEY):
        raise ValidationError({"user": _("Only NGO staff get personal API keys; partners get their organisation's.")})
    if partner is not None and not partner.is_active:
        raise ValidationError({"partner": _("This partner organisation is not active.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})


@transaction.atomic
def api_key_issue(
    *,
    actor: User | None,
    partner: Any = None,
    user: User | None = None,
    name: str = "",
    expires_at: datetime | None = None,
) -> IssuedApiKey:
    """Issue a key for ``partner`` (read-only, scoped to its communities, no personal data) or for
    a staff ``user``. Returns the key once; the database keeps only its hash and prefix."""
    api_key_check_owner(partner=partner, user=user, expires_at=expires_at)
    while True:
        # 8 hex characters: 4 billion prefixes; a collision only costs another draw.
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    token = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        partner=partner,
        user=user,
        name=name,
        prefix=prefix,
        hashed_key=api_key_hash(token),
        expires_at=expires_at,
        created_by=actor,
    )
    api_key.full_clean()
    api_key.save()
    return IssuedApiKey(api_key=api_key, token=token)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: User | None) -> ApiKey:
    """Revoke ``api_key`` from now on; revoking twice keeps the first date."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_requests_prune(*, now: datetime | None = None) -> int:
    """Forget API requests older than ``settings.API_REQUEST_LOG_DAYS``; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_REQUEST_LOG_DAYS)
    deleted, _details = ApiRequest.objects.filter(requested_at__lt=cutoff).delete()
    return deleted
