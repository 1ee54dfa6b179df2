"""Every model NGO staff keep is in the admin, and every page of it opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from access.roles import DOMAIN_APPS
from tests.accounts.support import verified_login

pytestmark = pytest.mark.django_db


# Bookkeeping of the machinery, not data staff keep.
# Machinery, not records: idempotency keys, and the indicators' data version (reports.cache).
# Photos come from the field app (resized on the phone) and are shown, read-only, on their
# incident's or event's page (photos.admin.PhotoInline), never on a page of their own.
NOT_IN_ADMIN = {"api.IdempotencyKey", "reports.IndicatorsVersion", "photos.Photo"}
# Logs staff read but never write: no add page.
READ_ONLY_IN_ADMIN = {
    "api.ApiRequest",
    "api.Change",
    "sync.WebhookDelivery",
    # Registrations come from the public page (with the registrant's consent), mailings from the
    # event's "Send materials" page, deliveries and feedback from the mail and the registrant.
    "events.Registration",
    "events.MaterialsMailing",
    "events.Delivery",
    "events.Feedback",
    # A plan's status log is written by its moves (planning.services.plan_move).
    "planning.PlanStatusChange",
    # Dimensions are edited on their instrument's page, scores on their assessment's (services).
    "communities.AssessmentDimension",
    "communities.AssessmentScore",
    # Case work: the status logs are written by the moves (casework.services), needs by their
    # assessment, identities with their person (registration), actions on their goal's page.
    "casework.CaseStatusChange",
    "casework.ReferralStatusChange",
    "casework.Need",
    "casework.BeneficiaryIdentity",
    "casework.PlanAction",
    # Case stories are written on their report's page (reports.services keep a final one locked).
    "reports.ReportStory",
}


def domain_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS
        and not model.__name__.startswith("Historical")
        and model._meta.label not in NOT_IN_ADMIN
    ]


def test_every_domain_model_is_registered():
    missing = [model._meta.label for model in domain_models() if model not in admin.site._registry]
    assert missing == []


def test_every_admin_page_opens_for_staff_on_the_demo_programme(demo_programme, client):
    verified_login(client, User.objects.get(username="staff"))
    failures = []
    for model in domain_models():
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        if model._meta.label not in READ_ONLY_IN_ADMIN:
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            if hasattr(model, "history"):
                urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
        for url in urls:
            status = client.get(url).status_code
            if status != 200:
                failures.append((url, status))
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        searched = client.get(changelist, {"q": "а"})
        if searched.status_code != 200:
            failures.append((changelist + "?q=а", searched.status_code))
    assert failures == []


def test_admin_sends_anonymous_users_to_log_in(client):
    for model in domain_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_admin_speaks_ukrainian_by_default_and_english_on_request(client, staff_user):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_changelist")
    assert "Інциденти" in client.get(url).content.decode()
    assert "Incidents" in client.get(url, headers={"accept-language": "en"}).content.decode()
    client.cookies["django_language"] = "cs"
    assert "Incidenty" in client.get(url).content.decode()


def test_admin_offers_the_language_switch(client, staff_user):
    verified_login(client, staff_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("set_language") in page
    assert 'value="en"' in page


def test_programme_managers_browse_the_admin_read_only(client, manager_user):
    verified_login(client, manager_user)
    assert client.get(reverse("admin:incidents_incident_changelist")).status_code == 200
    assert client.get(reverse("admin:incidents_incident_add")).status_code == 403


@pytest.mark.parametrize("user_fixture", ["negotiator_user", "partner_user"])
def test_negotiators_and_partners_stay_out_of_the_admin(client, request, user_fixture):
    verified_login(client, request.getfixturevalue(user_fixture))
    response = client.get(reverse("admin:incidents_incident_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
