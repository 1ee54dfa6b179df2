"""The programme's admin page: deleting one with communities is refused with the reason, and its
inline rows are checked together."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from programmes.models import Document, Participation, Programme
from tests.accounts.support import verified_login
from tests.programmes.factories import PDF_BYTES, ParticipationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    verified_login(client, staff_user)
    return client


def test_deleting_a_programme_with_communities_is_refused_naming_them(staff_client, community):
    participation = ParticipationFactory(community=community)
    programme = participation.programme
    url = reverse("admin:programmes_programme_delete", args=[programme.pk])
    page = staff_client.post(url, {"post": "yes"}, headers={"accept-language": "en"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "would require deleting the following protected related objects" in text
    assert community.name in text
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_a_programme_without_communities_is_deleted(staff_client):
    programme = ProgrammeFactory()
    url = reverse("admin:programmes_programme_delete", args=[programme.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not Programme.objects.filter(pk=programme.pk).exists()


def inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def programme_form(community, periods) -> dict:
    return {
        "code": "NEW-1",
        "name": "Нова програма",
        "name_en": "New programme",
        "implementing_organisation": "ГО «Інститут миру і порозуміння»",
        "status": "planned",
        "starts_on": "2024-01-01",
        "ends_on": "2024-12-31",
        "countries": ["UA"],
        "currency": "UAH",
        "budget": "1000",
        "on_track_from": "90",
        "at_risk_from": "60",
        **inline("fundings", []),
        **inline("tranches", []),
        **inline("consortium", []),
        **inline("network", []),
        **inline("deliverables", []),
        **inline("risks", []),
        **inline(
            "participations",
            [{"community": community.pk, "joined_on": start, "left_on": end} for start, end in periods],
        ),
    }


def test_two_overlapping_periods_typed_together_are_refused(staff_client, community):
    url = reverse("admin:programmes_programme_add")
    with translation.override("en"):
        page = staff_client.post(
            url,
            programme_form(community, [("2024-02-01", "2024-06-30"), ("2024-06-01", "")]),
            headers={"accept-language": "en"},
        )
    assert page.status_code == 200
    assert "This period overlaps another period of the same community in this programme." in page.content.decode()
    assert not Programme.objects.exists()


def test_a_period_outside_the_new_programme_is_refused(staff_client, community):
    page = staff_client.post(
        reverse("admin:programmes_programme_add"),
        programme_form(community, [("2025-02-01", "")]),
        headers={"accept-language": "en"},
    )
    assert page.status_code == 200
    assert "The programme runs from 2024-01-01 to 2024-12-31: join within it." in page.content.decode()


def test_a_programme_is_added_with_its_communities(staff_client, community):
    page = staff_client.post(
        reverse("admin:programmes_programme_add"),
        programme_form(community, [("2024-02-01", "2024-06-30"), ("2024-07-01", "")]),
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    programme = Programme.objects.get(code="NEW-1")
    assert list(Participation.objects.filter(programme=programme).values_list("joined_on", flat=True)) == [
        date(2024, 2, 1),
        date(2024, 7, 1),
    ]


def test_moving_a_programmes_dates_past_its_communities_is_refused_on_the_form(staff_client, community):
    participation = ParticipationFactory(community=community, joined_on=date(2024, 2, 1))
    programme = participation.programme
    form = programme_form(community, [])
    form.update(code=programme.code, starts_on="2024-06-01", ends_on="2026-12-31")
    form.update(inline("participations", []))
    page = staff_client.post(
        reverse("admin:programmes_programme_change", args=[programme.pk]), form, headers={"accept-language": "en"}
    )
    assert page.status_code == 200
    assert "Some communities take part outside these dates" in page.content.decode()
    programme.refresh_from_db()
    assert programme.starts_on == date(2024, 1, 1)


def document_form(programme, upload, **fields) -> dict:
    return {
        "programme": programme.pk,
        "title": "Partnership agreement",
        "kind": "agreement",
        "language": "uk",
        "access": "partners",
        "file": upload,
        "link": "",
        **fields,
    }


def test_staff_upload_a_document_checked_by_its_content(staff_client, staff_user, media_root):
    programme = ProgrammeFactory()
    upload = SimpleUploadedFile("agreement.pdf", PDF_BYTES)
    response = staff_client.post(reverse("admin:programmes_document_add"), document_form(programme, upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert (document.content_type, document.size, document.created_by) == (
        "application/pdf",
        len(PDF_BYTES),
        staff_user,
    )
    page = staff_client.get(reverse("admin:programmes_document_change", args=[document.pk])).content.decode()
    assert reverse("programmes:document-file", args=[document.pk]) in page
    assert document.file.name not in page


def test_a_forged_upload_is_a_form_error(staff_client, media_root):
    programme = ProgrammeFactory()
    upload = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 an executable")
    with translation.override("en"):
        response = staff_client.post(
            reverse("admin:programmes_document_add"),
            document_form(programme, upload),
            headers={"accept-language": "en"},
        )
    assert response.status_code == 200
    assert "is not one of the allowed types" in response.content.decode()
    assert not Document.objects.exists()


def test_countries_are_ticked_by_name(staff_client, community):
    form = programme_form(community, [])
    form["countries"] = ["UA", "CZ"]
    page = staff_client.get(reverse("admin:programmes_programme_add"), headers={"accept-language": "en"})
    assert 'type="checkbox" name="countries" value="CZ"' in page.content.decode()
    assert staff_client.post(reverse("admin:programmes_programme_add"), form).status_code == 302
    assert Programme.objects.get(code="NEW-1").countries == ["UA", "CZ"]


def test_a_programme_without_a_country_is_refused(staff_client, community):
    form = programme_form(community, [])
    del form["countries"]
    page = staff_client.post(reverse("admin:programmes_programme_add"), form, headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()


def test_the_indicator_admin_offers_the_figures_and_saves_targets(staff_client, media_root):
    from tests.programmes.factories import logframe_in

    logframe = logframe_in(ProgrammeFactory(starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31)))
    indicator = logframe["events"]
    url = reverse("admin:programmes_indicator_change", args=[indicator.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'value="events.by_kind.round_table.events"' in page.content.decode()
    data = {
        "result": indicator.result_id,
        "code": "I1",
        "name": "Outreach events",
        "unit": "events",
        "direction": "more",
        "measure": "period",
        "disaggregations": "[]",
        "sdg_targets": '["16.7"]',
        "source": "computed",
        "figure": "events.count",
        "baseline_value": "",
        "baseline_date": "",
        "order": "0",
        **inline("targets", [{"period": "2026", "value": "5"}]),
        **inline("reported_values", []),
    }
    with translation.override("en"):
        refused = staff_client.post(url, data, headers={"accept-language": "en"})
    assert refused.status_code == 200
    assert "outside the programme" in refused.content.decode()
    data.update(inline("targets", [{"period": "2024", "value": "5"}]))
    assert staff_client.post(url, data).status_code == 302
    assert indicator.targets.filter(period="2024").exists()


def test_the_approve_action_takes_a_second_person(staff_client, staff_user, media_root):
    from programmes.models import ReportedValue
    from tests.communities.factories import UserFactory
    from tests.programmes.factories import logframe_in

    programme = ProgrammeFactory(starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))
    logframe = logframe_in(programme, entered_by=staff_user, approved_by=UserFactory(username="checker"))
    mine = logframe["value"]
    mine.approved_at, mine.approved_by = None, None
    mine.save()
    theirs = ReportedValue.objects.create(
        indicator=logframe["handbook"],
        period="2025-H2",
        value=2,
        evidence_link="https://example.org/x",
        entered_by=UserFactory(username="clerk"),
    )
    url = reverse("admin:programmes_reportedvalue_changelist")
    staff_client.post(url, {"action": "approve", "_selected_action": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.approved_at is None
    assert theirs.approved_by == staff_user
