"""What the OpenAPI schema says beyond what drf-spectacular finds by itself: the Bearer scheme,
the error body on every status an operation can answer, the ``Idempotency-Key`` and
``Accept-Language`` headers, CSV bodies, which fields partner organisations never receive, and the
range of ids. The schema is in English whatever the request's language (:class:`ApiSchemaGenerator`):
clients generated from it name things after it."""

import inspect
from collections.abc import Sequence
from typing import Any, cast

from django.utils import translation
from django.utils.functional import Promise
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import Direction, OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from api.filtering import IdFilter
from api.idempotency import MAX_KEY_LENGTH
from api.renderers import XlsxRenderer
from api.serializers import AudienceSerializer


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable, for programs: e.g. invalid, not_found, throttled.")
    message = serializers.CharField(help_text="For people, in the language of Accept-Language.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a field named fields
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per offending field (dotted paths for nested fields); empty if none.",
    )


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: see error.fields.",
    "401": "No credentials, or an invalid, expired or revoked API key.",
    "403": "Authenticated, but this role may not do this (partners are read-only).",
    "404": "No such record (or it is outside your communities), or no such page of a list.",
    "405": "This URL does not take this method (e.g. DELETE on a record): the Allow header lists those it takes.",
    "406": "Unknown ?format= (use json, csv or xlsx) or unsatisfiable Accept header.",
    "413": "The request body is too large.",
    "415": "The request body must be JSON.",
    "422": "This Idempotency-Key was used before with a different body.",
    "429": "Too many requests: wait for Retry-After seconds.",
}


# A record id, in a path or a filter: what the database's bigint holds.
ID_SCHEMA: dict[str, Any] = {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}


def _plain(value: Any) -> Any:
    """``value`` with every lazy translation turned into a string (in the active language)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    return value


class ApiSchemaGenerator(SchemaGenerator):
    """The schema in English, whatever ``Accept-Language`` (or ``?lang=``) says: titles and
    descriptions come from translated model fields and help texts, and generated clients name
    their classes and arguments after them. Lazy strings are resolved here, as the response is
    rendered after the language is switched back."""

    def get_schema(self, request: Request | None = None, public: bool = False) -> dict[str, Any]:
        with translation.override("en"):
            # drf-spectacular leaves this method unannotated.
            schema: dict[str, Any] = _plain(super().get_schema(request, public))  # type: ignore[no-untyped-call]
        return schema


class ApiAutoSchema(AutoSchema):
    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        # drf-spectacular leaves this method unannotated.
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)  # type: ignore[no-untyped-call]
        for parameter in parameters:
            if parameter["name"] == "id" and parameter["schema"].get("type") == "integer":
                parameter["schema"] = dict(ID_SCHEMA)
        return parameters

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        # drf-spectacular leaves this method unannotated.
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()  # type: ignore[no-untyped-call]
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        for parameter in parameters:
            if isinstance(filters.get(parameter["name"]), IdFilter):
                # Not the model field's (nullable, unbounded): what the filter takes.
                title = parameter["schema"].get("title")
                parameter["schema"] = {**ID_SCHEMA, **({"title": title} if title else {})}
        return parameters

    def get_override_parameters(
        self,
    ) -> list[OpenApiParameter | serializers.Serializer[Any] | type[serializers.Serializer[Any]]]:
        parameters = list(super().get_override_parameters())
        parameters.append(
            OpenApiParameter(
                "Accept-Language",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Language of error messages: uk (default), en, cs or ru.",
            )
        )
        if self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"^[\x20-\x7e]+$"},
                    OpenApiParameter.HEADER,
                    description=(
                        "Any unique string per submission (e.g. a UUID). A retry with the same key and body "
                        "returns the first response (header Idempotency-Replayed: true) and creates nothing; "
                        "the same key with another body is a 422."
                    ),
                )
            )
        return parameters

    def _error_statuses(self) -> list[str]:
        # 405: every route refuses some methods (none takes DELETE), and OpenAPI has no place for
        # the methods a path lacks, so each operation of the path documents it.
        statuses = ["401", "403", "405", "406", "429"]
        is_list = self.method == "GET" and self._is_list_view()
        if is_list or self.method == "POST" or getattr(self.view, "filterset_class", None) is not None:
            # A collection with a filter set refuses unknown query parameters on every URL.
            statuses.append("400")
        if is_list or "{id}" in self.path:
            statuses.append("404")
        if self.method == "POST":
            statuses += ["413", "415", "422"]
        return sorted(statuses)

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            if status not in responses:
                response = self._get_response_for_code(ErrorSerializer, status, media_types=["application/json"])
                response["description"] = ERROR_DESCRIPTIONS[status]
                if status == "405":
                    response["headers"] = {
                        "Allow": {
                            "schema": {"type": "string"},
                            "description": "The methods this URL takes, e.g. GET, HEAD, OPTIONS.",
                        }
                    }
                responses[status] = response
        return responses

    def _get_response_for_code(
        self,
        serializer: object,
        status_code: str,
        media_types: Sequence[str] | None = None,
        direction: Direction = "response",
    ) -> dict[str, Any]:
        # drf-spectacular leaves this method unannotated.
        response: dict[str, Any] = super()._get_response_for_code(  # type: ignore[no-untyped-call]
            serializer, status_code, media_types, direction
        )
        content = response.get("content", {})
        # Never None for a basic type such as STR.
        string = cast(dict[str, Any], build_basic_type(OpenApiTypes.STR))
        if "text/csv" in content:
            content["text/csv"]["schema"] = {**string, "description": "The same rows as CSV."}
        if XlsxRenderer.media_type in content:
            content[XlsxRenderer.media_type]["schema"] = {
                **string,
                "format": "binary",
                "description": "The same rows as an Excel workbook (one sheet).",
            }
        return response

    def _map_basic_serializer(
        self, serializer: serializers.BaseSerializer[Any] | type[serializers.BaseSerializer[Any]], direction: Direction
    ) -> dict[str, Any]:
        # drf-spectacular leaves this method unannotated.
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)  # type: ignore[no-untyped-call]
        if direction == "response" and isinstance(serializer, AudienceSerializer):
            shared = set(serializer.Meta.partner_fields)
            required = [name for name in schema.get("required", []) if name in shared]
            if required:
                schema["required"] = required
            else:
                schema.pop("required", None)
            note = "Partner organisations receive only: " + ", ".join(
                name for name in schema["properties"] if name in shared
            )
            # The class's own docstring, not the one inherited from AudienceSerializer.
            own = inspect.cleandoc(type(serializer).__dict__.get("__doc__") or "")
            schema["description"] = f"{own}\n\n{note}.".strip()
        return schema


# drf-spectacular's __init_subclass__ (which registers the extension) is unannotated.
class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key issued to your organisation: Authorization: Bearer zlg_xxxxxxxx_…",
        }
