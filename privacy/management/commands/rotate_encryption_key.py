"""Re-encrypt every encrypted value (live and history rows) under the current key, and recompute
every blind index under the current index key; after it, the old keys can be dropped."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Model

from privacy.fields import blind_index_fields, encrypted_fields, refresh_blind_index

BATCH = 500


def rotate_model(model: type[Model], batch_size: int = BATCH) -> int:
    """Rewrite every row of ``model``: its encrypted fields under the first key of
    ``FIELD_ENCRYPTION_KEYS`` (read with any), its blind index under ``FIELD_INDEX_KEY``."""
    fields = [field.name for field in encrypted_fields(model)]
    indexes = [field.name for field in blind_index_fields(model)]
    pk_name = model._meta.pk.name
    count = 0
    last_pk: Any = None
    while True:
        rows = model._default_manager.order_by(pk_name).only(pk_name, *fields)
        if last_pk is not None:
            rows = rows.filter(**{f"{pk_name}__gt": last_pk})
        batch = list(rows[:batch_size])
        if not batch:
            return count
        for row in batch:
            refresh_blind_index(row)
        with transaction.atomic():
            # Saving a decrypted value encrypts it again, with the current key.
            model._default_manager.bulk_update(batch, [*fields, *indexes])
        count += len(batch)
        last_pk = batch[-1].pk


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (history rows too) with the first key of FIELD_ENCRYPTION_KEYS "
        "and recompute the blind indexes; afterwards the older keys can be removed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            if not encrypted_fields(model):
                continue
            count = rotate_model(model, batch_size)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted with the current key"))
