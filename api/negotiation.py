from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer


class ApiContentNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is "not acceptable" (406) with the formats there are, rather than
    DRF's bare 404 that reads like a missing record."""

    def filter_renderers(self, renderers: Iterable[BaseRenderer], format: str) -> list[BaseRenderer]:
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise exceptions.NotAcceptable(
                _("Unknown format “%(format)s”; use one of: %(formats)s.")
                % {"format": format, "formats": ", ".join(dict.fromkeys(renderer.format for renderer in renderers))}
            )
        return matching
