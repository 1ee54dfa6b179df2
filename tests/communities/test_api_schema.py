"""The OpenAPI schema and the interactive docs: public, valid, complete, and working offline."""

import re
from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from config.api_urls import COLLECTIONS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def schema():
    response = APIClient().get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_public_and_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_the_schema_generates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stderr=StringIO())


def test_the_schema_is_served_as_yaml_by_default():
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "Zlagoda API"


def test_every_collection_and_its_detail_route_is_in_the_schema(schema):
    for prefix, _viewset, _basename in COLLECTIONS:
        assert f"/api/v1/{prefix}/" in schema["paths"]
        assert f"/api/v1/{prefix}/{{id}}/" in schema["paths"]


def test_the_schema_documents_auth_filters_pagination_csv_and_errors(schema):
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiKey"]["description"],
    }
    incidents = schema["paths"]["/api/v1/incidents/"]
    parameters = {parameter["name"] for parameter in incidents["get"]["parameters"]}
    assert parameters >= {
        "community",
        "region",
        "date_after",
        "date_before",
        "category",
        "status",
        "updated_since",
        "ordering",
        "page",
        "page_size",
        "format",
    }
    assert set(incidents["get"]["responses"]) >= {"200", "400", "401", "403", "406", "429"}
    assert set(incidents["get"]["responses"]["200"]["content"]) == {"application/json", "text/csv", XLSX}
    assert set(incidents["post"]["responses"]) >= {"201", "400", "401", "403", "413", "415", "422", "429"}
    assert "Idempotency-Key" in {parameter["name"] for parameter in incidents["post"]["parameters"]}
    assert set(schema["paths"]["/api/v1/incidents/{id}/"]["get"]["responses"]) >= {"200", "404"}
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    paginated = schema["components"]["schemas"]["PaginatedIncidentList"]
    assert set(paginated["properties"]) == {"count", "next", "previous", "results"}


def test_every_operation_documents_the_405_its_url_answers_to_other_methods(schema):
    methods = {"get", "post", "put", "patch", "delete"}
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in methods
    ]
    undocumented = [f"{method} {path}" for path, method, operation in operations if "405" not in operation["responses"]]
    assert operations
    assert undocumented == []
    response = schema["paths"]["/api/v1/communities/{id}/"]["get"]["responses"]["405"]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Allow" in response["headers"]


def test_fields_partners_never_get_are_optional_and_named(schema):
    incident = schema["components"]["schemas"]["Incident"]
    assert "description" in incident["properties"]
    assert "description" not in incident["required"]
    assert "title" in incident["required"]
    assert "description" not in incident["description"].split("receive only:")[1]


def test_the_docs_page_is_public_and_loads_only_local_assets():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in asset for asset in assets)
    assert not [asset for asset in assets if asset.startswith(("http://", "https://", "//"))]
    # Swagger UI's start-up script is a file of its own (?script), as the CSP allows no inline script.
    assert "/api/v1/schema/" in APIClient().get("/api/v1/docs/", {"script": ""}).content.decode()
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset


def test_anonymous_callers_get_the_docs_but_no_data():
    assert APIClient().get("/api/v1/docs/").status_code == 200
    assert APIClient().get("/api/v1/regions/").status_code == 401


def test_the_home_page_links_to_the_api_docs(client, partner_user):
    client.force_login(partner_user)
    assert "/api/v1/docs/" in client.get("/").content.decode()
