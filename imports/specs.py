"""What a record type's spreadsheet looks like and how one of its rows is saved.

A :class:`RecordType` names its columns (each with a header in the four languages, a parser from
:mod:`imports.cells` and a line of help for the template's explanation sheet), how a row is found
again (its natural key: importing the same file twice changes nothing) and which service creates
or updates it, so that an imported row meets the rules the admin and the field app meet.

The record types themselves live in :mod:`imports.kinds`, one module per domain, and register here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from imports.cells import CellError, normalise_header, normalise_name, parse_choice, parse_text

LANGUAGES = ("uk", "en", "cs", "ru")

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


@dataclass(frozen=True)
class Column:
    """One column of a record type's sheet.

    ``name`` is the model field (or the service argument) it fills, and is accepted as a header
    too; ``label`` is the header in the reader's language; ``parse`` turns a non-empty cell into
    the value (raising :class:`~imports.cells.CellError`); a blank cell gives ``default``."""

    name: str
    label: str | Promise
    parse: Callable[[Any], Any]
    required: bool = False
    help: str | Promise = ""
    allowed: Callable[[], Sequence[str]] | None = None
    default: Any = None

    def headers(self) -> set[str]:
        """Every header that means this column: its name and its label in each language."""
        names = {normalise_header(self.name), normalise_header(self.name.replace("_", " "))}
        for language in LANGUAGES:
            with translation.override(language):
                names.add(normalise_header(str(self.label)))
        return names


class RowRejected(Exception):
    """A row that cannot be saved: messages by column name ("" for the row as a whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class Lookups:
    """The records rows refer to, read once per import and kept up to date as rows add to them."""

    def __init__(self) -> None:
        self._communities: dict[str, list[Any]] | None = None

    def _community_index(self) -> dict[str, list[Any]]:
        from communities.models import Community

        if self._communities is None:
            self._communities = {}
            for community in Community.objects.select_related("region"):
                self._communities.setdefault(normalise_name(community.name), []).append(community)
        return self._communities

    def community_added(self, community: Any) -> None:
        known = self._community_index().setdefault(normalise_name(community.name), [])
        if community not in known:  # the index may have been read after it was saved
            known.append(community)

    def community(self, text: str, region: str = "") -> Any:
        """The community a cell names: by the portal's number (its code in exports), by name, or by
        name and region when two regions have a community of that name. Case and the apostrophe
        variants (' ’ ʼ) do not matter."""
        from communities.models import Community

        text = text.strip()
        if text.isdigit():
            found = Community.objects.select_related("region").filter(pk=int(text)).first()
            if found is None:
                raise CellError(_("No community has the code %(code)s.") % {"code": text})
            return found
        candidates = self._community_index().get(normalise_name(text), [])
        if region:
            candidates = [c for c in candidates if normalise_name(c.region.name) == normalise_name(region)]
        if not candidates:
            if region:
                raise CellError(
                    _("No community called “%(name)s” in the region “%(region)s”.") % {"name": text, "region": region}
                )
            raise CellError(
                _("No community is called “%(name)s”: check the spelling or add it first.") % {"name": text}
            )
        if len(candidates) > 1:
            raise CellError(
                ngettext(
                    "%(count)d community is called “%(name)s”: add a “Region” column to tell them apart.",
                    "%(count)d communities are called “%(name)s”: add a “Region” column to tell them apart.",
                    len(candidates),
                )
                % {"count": len(candidates), "name": text}
            )
        return candidates[0]


@dataclass
class Saved:
    status: str
    instance: Model


class RecordType:
    """A kind of record the spreadsheets hold. Subclasses set the class attributes and write
    :meth:`natural_key`, :meth:`find`, :meth:`create` and :meth:`update` through the domain's
    services."""

    key: ClassVar[str]
    label: ClassVar[str | Promise]
    model: ClassVar[type[Model]]
    columns: ClassVar[Sequence[Column]] = ()

    def column_named(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        """``values`` with the references (a community's name...) turned into records; raises
        :class:`RowRejected` naming the column."""
        return values

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        raise NotImplementedError

    def find(self, values: dict[str, Any]) -> Model | None:
        """The record this row is, if it was imported (or entered) before."""
        raise NotImplementedError

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """The model fields the row sets, compared with an existing record's."""
        return {column.name: values[column.name] for column in self.columns if column.name in values}

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        raise NotImplementedError

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        """Save ``instance`` (its fields already set from the row) through the service."""
        raise NotImplementedError

    def related(self, instance: Model, values: dict[str, Any], *, actor: User) -> bool:
        """Save what the row holds beside the record itself (an event's attendance, an
        assessment's scores); True if anything changed."""
        return False

    def save(self, values: dict[str, Any], *, actor: User) -> Saved:
        existing = self.find(values)
        if existing is None:
            instance = self.create(values, actor=actor)
            self.related(instance, values, actor=actor)
            return Saved(CREATE, instance)
        changed = {name: value for name, value in self.fields(values).items() if getattr(existing, name) != value}
        for name, value in changed.items():
            setattr(existing, name, value)
        if changed:
            self.update(existing, values, actor=actor)
        related_changed = self.related(existing, values, actor=actor)
        return Saved(UPDATE if changed or related_changed else UNCHANGED, existing)

    def describe(self, values: dict[str, Any]) -> str:
        """A few words naming the row in the preview: its first three columns' values."""
        return words(values.get(column.name) for column in self.columns[:3])


def words(parts: Iterable[Any]) -> str:
    """Values as the preview names a row: dates in the reader's format, blanks left out."""
    return " · ".join(
        formats.date_format(part, "SHORT_DATE_FORMAT") if isinstance(part, date) else str(part)
        for part in parts
        if part not in (None, "")
    )


REGISTRY: dict[str, RecordType] = {}


def register(cls: type[RecordType]) -> type[RecordType]:
    """Class decorator: make the record type importable."""
    REGISTRY[cls.key] = cls()
    return cls


def record_types() -> Iterable[RecordType]:
    import imports.kinds  # noqa: F401  (the record types register on import)

    return REGISTRY.values()


def record_type(key: str) -> RecordType:
    record_types()
    return REGISTRY[key]


def field_column(model: type[Model], name: str, parse: Callable[[Any], Any], **options: Any) -> Column:
    """A column filling model field ``name``: its header is the field's verbose name (translated),
    its help the field's help text unless given."""
    model_field = model._meta.get_field(name)
    options.setdefault("help", getattr(model_field, "help_text", ""))
    return Column(name, getattr(model_field, "verbose_name", None) or name, parse, **options)


def text_cell(max_length: int | None = None) -> Callable[[Any], str]:
    """The parser of a text column: the cell as text, at most ``max_length`` characters."""
    return lambda value: parse_text(value, max_length=max_length)


def community_columns(*, required: bool = True, help: str | Promise | None = None) -> list[Column]:
    """The community a row belongs to, by name (with its region when the name is not unique) or
    by code; an optional one (``required`` false) is left empty for none."""
    return [
        Column(
            "community",
            gettext_lazy("community"),
            text_cell(120),
            required=required,
            help=help or gettext_lazy("Its name as in the portal (case and apostrophes do not matter), or its code."),
            default=None if required else "",
        ),
        Column(
            "region",
            gettext_lazy("region"),
            text_cell(120),
            help=gettext_lazy("Only needed when two regions have a community of that name."),
            default="",
        ),
    ]


def resolve_community(values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
    """``values`` with the community's name replaced by the community (and the region dropped)."""
    values = dict(values)
    region = values.pop("region", "") or ""
    try:
        values["community"] = lookups.community(values["community"], region)
    except CellError as error:
        raise RowRejected({"community": str(error)}) from error
    return values


def programme_column() -> Column:
    return Column(
        "programme",
        gettext_lazy("programme"),
        text_cell(20),
        help=gettext_lazy("The programme's code, e.g. ISN-2023. Empty: the programme the community took part in then."),
        default=None,
    )


def resolve_programme(values: dict[str, Any]) -> dict[str, Any]:
    from programmes.models import Programme

    code = values.get("programme")
    if not code:
        values.pop("programme", None)
        return values
    programme = Programme.objects.filter(code__iexact=code).first()
    if programme is None:
        raise RowRejected({"programme": _("No programme has the code %(code)s.") % {"code": code}})
    return {**values, "programme": programme}


def choice_column(model: type[Model], name: str, **options: Any) -> Column:
    """A column of a field with choices: the value or its label in any of the four languages."""
    choices = getattr(model._meta.get_field(name), "choices", None) or []

    def labels() -> list[str]:
        return [str(label) for _value, label in choices]

    return field_column(model, name, lambda value: parse_choice(value, choices), allowed=labels, **options)
