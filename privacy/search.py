"""Searching encrypted fields through their blind index (``privacy.fields.BlindIndexField``).

:func:`blind_index_q` turns one search term into a filter on an index field (also across a
relation: ``"contact__search_index"``); :class:`BlindIndexSearchMixin` gives a ``ModelAdmin`` the
admin's search box over its plain ``search_fields`` *and* its ``blind_index_fields``, each term
matching either (terms are ANDed, as in Django's own search).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.text import smart_split, unescape_string_literal

from access.capabilities import Capability
from access.viewer import request_viewer
from privacy.crypto import term_alternatives


def blind_index_q(path: str, term: str) -> Q | None:
    """Rows whose index at ``path`` matches ``term`` (a name word or its start, phone digits, an
    e-mail address); ``None`` when the term can match nothing there."""
    condition: Q | None = None
    for tokens in term_alternatives(term):
        alternative = Q()
        for token in tokens:
            alternative &= Q(**{f"{path}__contains": f" {token} "})
        condition = alternative if condition is None else condition | alternative
    return condition


def search_terms(search_term: str) -> list[str]:
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            terms.append(bit)
    return terms


class BlindIndexSearchMixin:
    """For a ``ModelAdmin``: ``search_fields`` are searched with ``icontains`` as usual, the paths in
    ``blind_index_fields`` through the blind index, and only for viewers who read personal data
    (anyone else could confirm a name by searching for it)."""

    blind_index_fields: tuple[str, ...] = ()
    opts: Any

    def get_blind_index_fields(self, request: HttpRequest) -> tuple[str, ...]:
        if not request_viewer(request).can(Capability.READS_PERSONAL_DATA):
            return ()
        return self.blind_index_fields

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        plain = list(self.get_search_fields(request))  # type: ignore[attr-defined]
        indexes = self.get_blind_index_fields(request)
        terms = search_terms(search_term)
        if not terms or not (plain or indexes):
            return queryset, False
        for term in terms:
            condition = Q()
            for field in plain:
                condition |= Q(**{f"{field}__icontains": term})
            for path in indexes:
                match = blind_index_q(path, term)
                if match is not None:
                    condition |= match
            queryset = queryset.filter(condition) if condition else queryset.none()
        duplicates = any(lookup_spawns_duplicates(self.opts, path) for path in [*plain, *indexes])
        return queryset, duplicates
