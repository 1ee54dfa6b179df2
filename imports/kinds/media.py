"""Media mentions: an outlet's article, broadcast or post about the programme or a community."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from imports.cells import normalise_name, parse_date, parse_int
from imports.specs import (
    Lookups,
    RecordType,
    choice_column,
    community_columns,
    field_column,
    programme_column,
    register,
    resolve_community,
    resolve_programme,
    text_cell,
)
from negotiators.models import MediaMention
from negotiators.services import media_mention_save


def same_link(url: str) -> str:
    """A link as compared with the links on record: the scheme, a "www.", the case of the host and
    a trailing slash do not make another article."""
    text = url.strip()
    scheme, _separator, rest = text.partition("://")
    if not rest:
        rest = scheme
    host, slash, path = rest.partition("/")
    host = host.casefold().removeprefix("www.")
    return f"{host}{slash}{path}".rstrip("/")


@register
class MediaMentions(RecordType):
    key = "media-mentions"
    label = _("media mentions")
    model = MediaMention
    columns = (
        field_column(MediaMention, "published_on", parse_date, required=True, help=_("DD.MM.YYYY or YYYY-MM-DD.")),
        field_column(MediaMention, "outlet", text_cell(200), required=True),
        choice_column(MediaMention, "medium", required=True),
        field_column(MediaMention, "title", text_cell(300), required=True),
        field_column(
            MediaMention,
            "url",
            text_cell(500),
            default="",
            help=_("The article's address (https://…). With it, a second import finds the mention by its link."),
        ),
        field_column(
            MediaMention, "reach", parse_int, default=0, help=_("The outlet's estimated audience; 0 if unknown.")
        ),
        *community_columns(
            required=False,
            help=_("Its name as in the portal, or its code; empty when the mention is about the whole programme."),
        ),
        programme_column(),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        if values.get("community"):
            values = resolve_community(values, lookups)
        else:
            values = {**values, "community": None}
            values.pop("region", None)
        return resolve_programme(values)

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        if values.get("url"):
            return ("url", same_link(values["url"]))
        community = values["community"].pk if values["community"] else None
        return (community, values["published_on"], normalise_name(values["title"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        if values.get("url"):
            link = same_link(values["url"])
            # The host is compared without case, so the candidates are those of the same path's end.
            tail = link.rpartition("/")[2]
            for mention in MediaMention.objects.filter(url__icontains=tail).exclude(url=""):
                if same_link(mention.url) == link:
                    # The link on record stays: another spelling of it is no change.
                    values["url"] = mention.url
                    return mention
        title = normalise_name(values["title"])
        same_day = MediaMention.objects.filter(community=values["community"], published_on=values["published_on"])
        return next((mention for mention in same_day if normalise_name(mention.title) == title), None)

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        fields.pop("region", None)
        if not values.get("url"):
            fields.pop("title")  # found by its title: a variant spelling is the same mention
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        return media_mention_save(mention=MediaMention(**values), actor=actor)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, MediaMention)
        return media_mention_save(mention=instance, actor=actor)

    def describe(self, values: dict[str, Any]) -> str:
        parts = [values.get("published_on"), values.get("outlet"), values.get("title")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))
