"""The community page of the staff admin: its partnership periods are checked together."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from communities.models import Community, Partnership
from communities.services import partnership_start
from tests.accounts.support import verified_login

pytestmark = pytest.mark.django_db


def community_form(community, *periods: tuple[str, str, str]) -> dict:
    data = {
        "name": community.name,
        "region": community.region_id,
        "kind": community.kind,
        "population": community.population or "",
        "latitude": "",
        "longitude": "",
        "partnerships-TOTAL_FORMS": len(periods),
        "partnerships-INITIAL_FORMS": 0,
    }
    for index, (joined_on, left_on, reason) in enumerate(periods):
        data |= {
            f"partnerships-{index}-community": community.pk,
            f"partnerships-{index}-joined_on": joined_on,
            f"partnerships-{index}-left_on": left_on,
            f"partnerships-{index}-leave_reason": reason,
            f"partnerships-{index}-note": "",
        }
    return data


def post(client, staff_user, community, *periods):
    verified_login(client, staff_user)
    client.raise_request_exception = False
    return client.post(
        reverse("admin:communities_community_change", args=[community.pk]), community_form(community, *periods)
    )


def partnership_errors(response) -> list[dict]:
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return [form.errors for form in formset.forms]


def test_two_open_partnerships_typed_together_are_a_form_error(client, staff_user, community):
    response = post(client, staff_user, community, ("01.03.2023", "", ""), ("01.01.2024", "", ""))
    assert response.status_code == 200
    assert [set(errors) for errors in partnership_errors(response)] == [set(), {"left_on"}]
    assert not Partnership.objects.exists()


def test_overlapping_closed_periods_typed_together_are_a_form_error(client, staff_user, community):
    response = post(
        client,
        staff_user,
        community,
        ("01.06.2024", "31.12.2024", "elections"),
        ("01.03.2023", "30.09.2024", "funding"),
    )
    assert response.status_code == 200
    assert [set(errors) for errors in partnership_errors(response)] == [{"joined_on"}, set()]
    assert not Partnership.objects.exists()


def test_periods_one_after_another_are_saved(client, staff_user, community):
    response = post(client, staff_user, community, ("01.03.2023", "30.09.2024", "elections"), ("01.10.2024", "", ""))
    assert response.status_code == 302
    assert list(community.partnerships.values_list("joined_on", "left_on")) == [
        (date(2023, 3, 1), date(2024, 9, 30)),
        (date(2024, 10, 1), None),
    ]


LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def partnership(community):
    partnership = partnership_start(community=community, joined_on=date(2023, 3, 1))
    Community.objects.filter(pk=community.pk).update(updated_at=LONG_AGO)
    return partnership


def updated_at(community):
    community.refresh_from_db()
    return community.updated_at


def test_a_partnership_edited_in_its_admin_counts_as_a_change_of_the_community(
    client, staff_user, community, partnership
):
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:communities_partnership_change", args=[partnership.pk]),
        {"community": community.pk, "joined_on": "01.03.2023", "left_on": "30.09.2025", "leave_reason": "elections"},
    )
    assert response.status_code == 302
    assert updated_at(community) > LONG_AGO


def test_a_partnership_deleted_in_its_admin_counts_as_a_change_of_the_community(
    client, staff_user, community, partnership
):
    verified_login(client, staff_user)
    response = client.post(reverse("admin:communities_partnership_delete", args=[partnership.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Partnership.objects.exists()
    assert updated_at(community) > LONG_AGO


def test_partnerships_bulk_deleted_in_their_admin_count_as_a_change_of_the_community(
    client, staff_user, community, partnership
):
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:communities_partnership_changelist"),
        {"action": "delete_selected", "_selected_action": [partnership.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert updated_at(community) > LONG_AGO
