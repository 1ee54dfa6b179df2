"""An outage (the database or Redis away) that escapes a view answers 503 with ``Retry-After``:
JSON in the API's error shape under ``/api/``, a translated page elsewhere; never a bare 500."""

import pytest
import redis.exceptions
from django.db import OperationalError

from api.models import ApiRequest
from incidents.api import IncidentViewSet
from tests.communities.api_support import issue_key, key_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


def failing(error):
    def selector(viewer):
        raise error

    return selector


@pytest.mark.parametrize(
    "error", [OperationalError("the database is away"), redis.exceptions.ConnectionError("Redis is away")]
)
def test_an_outage_in_the_api_is_a_json_503_with_retry_after_and_logged(monkeypatch, staff_user, error):
    monkeypatch.setattr(IncidentViewSet, "selector", failing(error))
    response = key_client(issue_key(staff_user)).get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "unavailable" in response.json()["error"]["message"]
    assert ApiRequest.objects.filter(status_code=503).count() == 1


def test_an_outage_on_a_page_is_a_translated_503_page(monkeypatch, client, negotiator_user):
    import field.views

    monkeypatch.setattr(field.views, "visible_events", failing(OperationalError("the database is away")))
    client.force_login(negotiator_user)
    response = client.get("/field/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert '<html lang="uk">' in page
    assert "Тимчасово недоступно" in page


def test_any_other_error_stays_a_500(monkeypatch, staff_user):
    monkeypatch.setattr(IncidentViewSet, "selector", failing(KeyError("a bug")))
    client = key_client(issue_key(staff_user))
    client.raise_request_exception = False
    assert client.get("/api/v1/incidents/").status_code == 500


def test_a_crash_on_a_page_is_a_translated_500_page(monkeypatch, client, negotiator_user):
    import field.views

    monkeypatch.setattr(field.views, "visible_events", failing(KeyError("a bug")))
    client.force_login(negotiator_user)
    client.raise_request_exception = False
    response = client.get("/field/", HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 500
    assert "Něco se pokazilo" in response.content.decode()
