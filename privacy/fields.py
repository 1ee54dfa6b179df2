"""Model fields that keep personal data encrypted at rest, and the blind index that searches them.

An encrypted field is a ``TextField`` column holding a Fernet token (``privacy.crypto``); in Python
it is the plain string, encrypted in ``get_db_prep_value`` and decrypted in ``from_db_value``. The
empty string stays empty (so ``blank`` means the same), ``None`` stays ``None``. The database can
neither compare nor order ciphertexts, so the only lookup is ``isnull``: search through the row's
:class:`BlindIndexField` (``privacy.search``).

simple_history copies these fields into the historical models, so the history rows are
encrypted (and indexed) the same way.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Model

from privacy.crypto import blind_index, decrypt, encrypt


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back."""

    encrypted = True

    def get_internal_type(self) -> str:
        # A ciphertext is about 2.5 times the plain text (and more for short values): unbounded.
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return decrypt(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)  # type: ignore[misc]
        if not value:
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        # Any other comparison would silently match nothing (or order noise): fail loudly instead.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (``max_length`` checks the plain text) stored encrypted in a text column."""


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class BlindIndexField(models.TextField):
    """The search tokens of a row's encrypted fields, recomputed whenever the row is saved.

    ``sources`` maps the names of the row's fields to what they hold (``privacy.crypto.IndexKind``:
    ``name``, ``phone``, ``email``). The value is recomputed in ``pre_save``, which ``save()`` and
    ``bulk_create()`` call; ``QuerySet.update()`` and ``bulk_update()`` do not: after those, call
    :func:`refresh_blind_index` on each row and write the field too.
    """

    def __init__(self, *args: Any, sources: dict[str, str] | None = None, **kwargs: Any) -> None:
        self.sources = dict(sources or {})
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key, value in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def index_of(self, instance: Model) -> str:
        values: dict[str, list[str]] = {}
        for field_name, kind in self.sources.items():
            values.setdefault(kind, []).append(getattr(instance, field_name) or "")
        return blind_index(values)

    def pre_save(self, model_instance: Model, add: bool) -> Any:
        value = self.index_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def blind_index_fields(model: type[Model]) -> list[BlindIndexField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, BlindIndexField)]


def encrypted_fields(model: type[Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]


def refresh_blind_index(instance: Model) -> None:
    """Recompute the blind index of ``instance`` in memory (before a ``bulk_update``)."""
    for field in blind_index_fields(type(instance)):
        setattr(instance, field.attname, field.index_of(instance))
