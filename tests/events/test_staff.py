"""The staff side of events (issue 16, item 3): the event's admin with its new fields and speakers,
registrants with their questions (a printable list for the moderator), check-in, export without
personal data for those who do not read it, and who may open which page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone, translation

from events.models import AudienceRole, Contributor, ContributorRole, Person
from negotiators.models import EventFormat, EventKind, EventStatus, OutreachEvent
from privacy.models import PersonalDataView, ViewChannel
from tests.accounts.support import verified_login
from tests.communities.factories import CommunityFactory
from tests.events.staff_support import register, webinar

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:events_registration_changelist")


def staff_pages(event):
    return {
        "questions": reverse("admin:events_event_questions", args=[event.pk]),
        "attendance": reverse("admin:events_event_attendance", args=[event.pk]),
        "materials": reverse("admin:events_event_materials", args=[event.pk]),
        "registrations": REGISTRATIONS,
        "mailings": reverse("admin:events_materialsmailing_changelist"),
        "people": reverse("admin:events_person_changelist"),
    }


# Who opens which page: 200, or turned away (the admin's login for those who may not use it, 403
# for a manager on the pages that change registrations or send mail).
PAGES = ("questions", "attendance", "materials", "registrations", "mailings", "people")
MATRIX = {
    "staff": dict.fromkeys(PAGES, 200),
    "manager": {**dict.fromkeys(PAGES, 200), "attendance": 403, "materials": 403},
    "negotiator": dict.fromkeys(PAGES, 302),
    "partner": dict.fromkeys(PAGES, 302),
    "anonymous": dict.fromkeys(PAGES, 302),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_the_permission_matrix_of_the_staff_pages(client, request, who):
    event = webinar()
    register(event, "maria@example.org", question="Як залучити громади?")
    if who != "anonymous":
        verified_login(client, request.getfixturevalue(f"{who}_user"))
    for page, url in staff_pages(event).items():
        response = client.get(url)
        assert response.status_code == MATRIX[who][page], (who, page)
        if response.status_code == 302:
            assert "login" in response["Location"], (who, page)


def test_a_manager_cannot_post_to_the_pages_that_change_or_send(client, manager_user):
    event = webinar()
    registration = register(event, "maria@example.org")
    verified_login(client, manager_user)
    pages = staff_pages(event)
    assert client.post(pages["materials"], {"audience": "registered", "links": "https://a.example"}).status_code == 403
    assert client.post(pages["attendance"], {"payload": "x"}).status_code == 403
    data = {"action": "check_in", helpers.ACTION_CHECKBOX_NAME: [registration.pk], "index": 0}
    client.post(REGISTRATIONS, data)
    registration.refresh_from_db()
    assert not registration.attended


def test_check_in_marks_the_selected_registrants_attended(client, staff_user):
    event = webinar()
    here = register(event, "here@example.org", "Присутня")
    away = register(event, "away@example.org", "Відсутня")
    verified_login(client, staff_user)
    data = {"action": "check_in", helpers.ACTION_CHECKBOX_NAME: [here.pk], "index": 0}
    response = client.post(REGISTRATIONS, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "1 registrant checked in." in [str(message) for message in response.context["messages"]]
    here.refresh_from_db()
    away.refresh_from_db()
    assert here.attended
    assert here.checked_in_at is not None
    assert not away.attended


def export(client, registrations):
    data = {"action": "export_csv", helpers.ACTION_CHECKBOX_NAME: [r.pk for r in registrations], "index": 0}
    response = client.post(REGISTRATIONS, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode("utf-8-sig")


def test_the_export_has_personal_columns_only_for_those_who_read_personal_data(client, manager_user, staff_user):
    event = webinar()
    registration = register(
        event, "maria@example.org", "Марія Коваль", question="Що з житлом?", accessibility_needs="Субтитри"
    )
    verified_login(client, manager_user)
    for_manager = export(client, [registration])
    header = for_manager.splitlines()[0]
    assert "Question" in header
    assert "Role" in header
    assert "Що з житлом?" in for_manager
    for secret in ("Full name", "E-mail", "Марія Коваль", "maria@example.org", "Субтитри"):
        assert secret not in for_manager
    assert not PersonalDataView.objects.exists()
    client.logout()
    verified_login(client, staff_user)
    for_staff = export(client, [registration])
    assert "Full name" in for_staff.splitlines()[0]
    assert "maria@example.org" in for_staff
    assert "Субтитри" in for_staff
    logged = PersonalDataView.objects.get(channel=ViewChannel.EXPORT)
    assert (logged.user, logged.object_id) == (staff_user, str(registration.pk))


def test_the_registrant_list_names_people_only_for_staff_and_finds_an_address(client, manager_user, staff_user):
    event = webinar()
    maria = register(event, "Maria@Example.org", "Марія Коваль")
    register(event, "ivan@example.org", "Іван Петренко")
    verified_login(client, manager_user)
    page = client.get(REGISTRATIONS).content.decode()
    assert "Марія Коваль" not in page
    with translation.override("uk"):  # the page's language
        assert str(maria.view_log_label()) in page
    client.logout()
    verified_login(client, staff_user)
    found = client.get(REGISTRATIONS, {"q": "maria@example.ORG"})
    assert [r.pk for r in found.context["cl"].result_list] == [maria.pk]
    assert "Марія Коваль" in found.content.decode()
    assert PersonalDataView.objects.filter(user=staff_user, object_id=str(maria.pk)).exists()


def test_the_moderators_list_groups_the_questions_and_prints(client, manager_user, staff_user):
    event = webinar()
    hromada = CommunityFactory(name="Славутська громада")
    register(event, "a@example.org", "Марія Коваль", role=AudienceRole.POLICE, question="Про патрулі?")
    register(event, "b@example.org", "Іван Петренко", role=AudienceRole.NGO, question="Про гранти?", community=hromada)
    register(event, "c@example.org", "Без питання", role=AudienceRole.NGO)
    register(event, "d@example.org", "Скасувала", question="Скасоване питання", status="cancelled")
    url = reverse("admin:events_event_questions", args=[event.pk])
    verified_login(client, manager_user)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "@media print" in page
    assert page.index("NGO (1)") < page.index("Про гранти?") < page.index("Police (1)") < page.index("Про патрулі?")
    assert "Скасоване питання" not in page
    assert "Марія Коваль" not in page
    by_community = client.get(url, {"by": "community"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Славутська громада (1)" in by_community
    assert "Community not given (1)" in by_community
    client.logout()
    verified_login(client, staff_user)
    assert "Марія Коваль" in client.get(url).content.decode()
    assert PersonalDataView.objects.filter(user=staff_user).count() == 2


def test_a_persons_contacts_are_shown_only_to_those_who_read_personal_data(client, manager_user, staff_user):
    person = Person.objects.create(full_name="Анна Новак", organisation="Fundacja", email="anna@fundacja.example.pl")
    url = reverse("admin:events_person_change", args=[person.pk])
    verified_login(client, manager_user)
    assert "anna@fundacja.example.pl" not in client.get(url).content.decode()
    client.logout()
    verified_login(client, staff_user)
    assert "anna@fundacja.example.pl" in client.get(url).content.decode()
    assert PersonalDataView.objects.filter(user=staff_user, object_id=str(person.pk)).exists()


def test_planning_a_webinar_in_the_admin_with_its_zone_languages_audience_and_speakers(client, staff_user, community):
    speaker = Person.objects.create(full_name="Анна Новак", organisation="Fundacja")
    elsewhere = CommunityFactory()
    day = (timezone.now() + timedelta(days=30)).date()
    data = {
        "community": community.pk,
        "kind": EventKind.WEBINAR,
        "title": "Соціальна інтеграція: частина 1",
        "topic": "feeling_of_safety",
        "status": EventStatus.PLANNED,
        "date": "",
        "starts_at_0": day.isoformat(),
        "starts_at_1": "11:00",
        "duration_minutes": "150",
        "time_zone": "Europe/Warsaw",
        "format": EventFormat.ONLINE,
        "meeting_link": "https://meet.example.org/xyz",
        "languages": ["uk", "pl"],
        "interpretation": "on",
        "audience_communities": [community.pk, elsewhere.pk],
        "registration_open": "on",
        "slug": "integration-1",
        "capacity": "300",
        "agenda": "11:00 Вітання",
        "participants_total": "0",
        "participants_women": "0",
        "participants_men": "0",
        "participants_youth": "0",
        "participants_idps": "0",
        "participants_veterans": "0",
        "participants_vulnerable": "0",
        "contributors-TOTAL_FORMS": "1",
        "contributors-INITIAL_FORMS": "0",
        "contributors-MIN_NUM_FORMS": "0",
        "contributors-MAX_NUM_FORMS": "1000",
        "contributors-0-person": speaker.pk,
        "contributors-0-role": ContributorRole.SPEAKER,
        "contributors-0-order": "1",
    }
    verified_login(client, staff_user)
    response = client.post(reverse("admin:negotiators_outreachevent_add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = OutreachEvent.objects.get(slug="integration-1")
    assert event.starts_at == datetime(day.year, day.month, day.day, 11, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert event.date == day
    assert event.languages == ["uk", "pl"]
    assert set(event.audience_communities.all()) == {community, elsewhere}
    assert Contributor.objects.get(event=event).person == speaker
    page = client.get(reverse("admin:negotiators_outreachevent_change", args=[event.pk])).content.decode()
    assert 'value="11:00:00"' in page or 'value="11:00"' in page  # the event's own wall-clock time
    assert reverse("admin:events_event_questions", args=[event.pk]) in page
    assert reverse("admin:events_event_materials", args=[event.pk]) in page


def test_the_event_list_filters_by_status_and_format(client, staff_user):
    planned = webinar(status=EventStatus.PLANNED, starts_at=timezone.now() + timedelta(days=9))
    held = webinar(format=EventFormat.IN_PERSON, meeting_link="")
    verified_login(client, staff_user)
    url = reverse("admin:negotiators_outreachevent_changelist")
    listed = client.get(url, {"status__exact": EventStatus.PLANNED}).context["cl"].result_list
    assert list(listed) == [planned]
    listed = client.get(url, {"format__exact": EventFormat.IN_PERSON}).context["cl"].result_list
    assert list(listed) == [held]


def test_a_routine_event_does_not_need_the_address_its_title_suggests(client, staff_user, community):
    taken = webinar(title="Інформаційна зустріч", slug="informatsiina-zustrich")
    data = {
        "community": community.pk,
        "kind": EventKind.INFORMATION_SESSION,
        "title": "Інформаційна зустріч",
        "topic": "feeling_of_safety",
        "status": EventStatus.HELD,
        "date": (timezone.now() - timedelta(days=2)).date().isoformat(),
        "format": EventFormat.IN_PERSON,
        "place": "Будинок культури",
        "slug": taken.slug,
        "participants_total": "12",
        **dict.fromkeys(
            [
                "participants_women",
                "participants_men",
                "participants_youth",
                "participants_idps",
                "participants_veterans",
                "participants_vulnerable",
            ],
            "0",
        ),
        "contributors-TOTAL_FORMS": "0",
        "contributors-INITIAL_FORMS": "0",
        "contributors-MIN_NUM_FORMS": "0",
        "contributors-MAX_NUM_FORMS": "1000",
    }
    verified_login(client, staff_user)
    response = client.post(reverse("admin:negotiators_outreachevent_add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    logged = OutreachEvent.objects.exclude(pk=taken.pk).get()
    assert logged.slug is None
    assert logged.languages == []
    data |= {"status": EventStatus.PLANNED, "registration_open": "on", "title": "Ще одна"}
    refused = client.post(reverse("admin:negotiators_outreachevent_add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "slug" in refused.context["adminform"].form.errors


def test_the_xlsx_export_of_a_manager_has_no_personal_columns(client, manager_user):
    from io import BytesIO

    from openpyxl import load_workbook

    event = webinar()
    registration = register(event, "maria@example.org", "Марія Коваль", question="Що з житлом?")
    verified_login(client, manager_user)
    data = {"action": "export_xlsx", helpers.ACTION_CHECKBOX_NAME: [registration.pk], "index": 0}
    response = client.post(REGISTRATIONS, data, HTTP_ACCEPT_LANGUAGE="en")
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "Question to the speakers" in cells
    assert "Що з житлом?" in cells
    assert not {"Full name", "E-mail", "Марія Коваль", "maria@example.org"} & set(cells)
