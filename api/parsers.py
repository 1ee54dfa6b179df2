"""The API's request body parser: DRF's JSON parser, with a body nested too deeply for Python's
decoder answered as the parse error it is (it was a ``RecursionError``, so a 500)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: the body is nested too deeply.")) from None
