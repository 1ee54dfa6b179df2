"""The schema says exactly what the API takes: ids and pages from 1, page sizes up to 500; and it is
the same document, in English, whatever the caller's language."""

import re

import pytest
from rest_framework.test import APIClient

from tests.communities.api_support import issue_key, key_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

LANGUAGES = ("uk", "en", "cs", "ru")


def fetch(language: str, **query) -> bytes:
    response = APIClient().get("/api/v1/schema/", query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_the_schema_is_the_same_in_every_language(fmt):
    query = {"format": "json"} if fmt == "json" else {}
    documents = {language: fetch(language, **query) for language in LANGUAGES}
    assert all(document == documents["en"] for document in documents.values())
    # ?lang= (drf-spectacular's) does not change it either.
    assert fetch("en", lang="uk", **query) == documents["en"]


def test_the_schema_is_in_english():
    text = fetch("uk", format="json").decode()
    # Ukrainian or Russian titles and descriptions would make generated clients' names Cyrillic.
    assert not re.search("[А-Яа-яІіЇїЄєҐґ]", text.replace("\\u", "")), re.findall(r".{40}[А-Яа-яІіЇїЄєҐґ].{40}", text)[
        :5
    ]


@pytest.fixture
def schema():
    return APIClient().get("/api/v1/schema/", {"format": "json"}).json()


def parameters(schema, path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path][method]["parameters"] if p["in"] in ("query", "path")}


def test_ids_pages_and_page_sizes_start_at_1(schema):
    incidents = parameters(schema, "/api/v1/incidents/")
    for name in ("community", "region"):
        assert incidents[name]["schema"]["minimum"] == 1
        assert incidents[name]["schema"]["maximum"] == 2**63 - 1
        assert "nullable" not in incidents[name]["schema"]
    assert incidents["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert incidents["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    for path, item in schema["paths"].items():
        if "{id}" in path:
            for operation in item.values():
                assert (
                    parameters(schema, path, next(m for m, o in item.items() if o is operation))["id"]["schema"][
                        "minimum"
                    ]
                    == 1
                )
    ids = [
        parameter
        for item in schema["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] in ("id", "community", "region", "partner", "module")
    ]
    assert ids
    assert all(parameter["schema"].get("minimum") == 1 for parameter in ids)


def test_every_url_of_a_filtered_collection_documents_the_400(schema):
    assert "400" in schema["paths"]["/api/v1/incidents/{id}/"]["get"]["responses"]
    assert "400" in schema["paths"]["/api/v1/events/"]["get"]["responses"]


@pytest.mark.parametrize("path", ["/api/v1/indicators/", "/api/v1/indicators/{id}/"])
def test_the_period_of_the_indicators_has_the_shape_the_api_accepts(schema, path, staff_user, community):
    pattern = re.compile(parameters(schema, path)["period"]["schema"]["pattern"])
    accepted = ("2000", "2025", "2025-H1", "2025-h2", "2100")
    refused = ("by_kind", "1999", "2101", "2025-H3", "25", "2025H1")
    assert all(pattern.search(period) for period in accepted)
    assert not any(pattern.search(period) for period in refused)
    # The API agrees with the schema on both sides.
    client, url = key_client(issue_key(staff_user)), path.replace("{id}", str(community.pk))
    assert all(client.get(url, {"period": p}).status_code == 200 for p in accepted)
    assert all(client.get(url, {"period": p}).status_code == 400 for p in refused)


def test_every_error_is_json_in_the_schema(schema):
    # As the API answers it, whatever ?format= asked for (a PDF's 409, a CSV's 400).
    not_json = {
        f"{method.upper()} {path} {status}": list(response.get("content", {}))
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400 and list(response.get("content", {})) != ["application/json"]
    }
    assert not_json == {}
