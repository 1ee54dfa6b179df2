"""Helpers for the data migrations that encrypt existing columns (and back).

They work on a migration's historical model whose columns are still plain ``TextField``s: the
migration first widens the columns to text, then encrypts with these, then switches the fields to
the encrypted ones (which changes nothing in the database).
"""

from __future__ import annotations

from typing import Any

from privacy.crypto import blind_index, decrypt, encrypt

BATCH = 500


def _rewrite(model: Any, fields: list[str], encrypting: bool, index: tuple[str, dict[str, str]] | None) -> int:
    rows = model._default_manager.order_by("pk").only("pk", *fields)
    count = 0
    batch: list[Any] = []
    for row in rows.iterator(chunk_size=BATCH):
        plain = {}
        for name in fields:
            stored = getattr(row, name) or ""
            plain[name] = stored if encrypting or not stored else decrypt(stored)
            if stored:
                setattr(row, name, encrypt(stored) if encrypting else plain[name])
        if index is not None and encrypting:
            index_name, sources = index
            values: dict[str, list[str]] = {}
            for name, kind in sources.items():
                values.setdefault(kind, []).append(plain[name])
            setattr(row, index_name, blind_index(values))
        batch.append(row)
        if len(batch) >= BATCH:
            count += _flush(model, batch, fields, index if encrypting else None)
            batch = []
    return count + _flush(model, batch, fields, index if encrypting else None)


def _flush(model: Any, batch: list[Any], fields: list[str], index: tuple[str, dict[str, str]] | None) -> int:
    if batch:
        model._default_manager.bulk_update(batch, [*fields, *([index[0]] if index else [])])
    return len(batch)


def encrypt_columns(model: Any, fields: list[str], index: tuple[str, dict[str, str]] | None = None) -> int:
    """Encrypt the plain values of ``fields`` in every row and fill the blind index ``index``
    (its field name and sources); the row count."""
    return _rewrite(model, fields, True, index)


def decrypt_columns(model: Any, fields: list[str], index: tuple[str, dict[str, str]] | None = None) -> int:
    """Back to plain text (the migration's reverse)."""
    return _rewrite(model, fields, False, None)
