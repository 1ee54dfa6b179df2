"""Case work in the field app, in a real Chromium (as test_browser.py): a case worker opens a case
by its code, refers it to the passport office with no connection, and the referral arrives once
the connection is back; then records, offline again, that the agency completed it, with its
feedback. The case's page and the person's identifying data are never kept on the phone; their
case codes and tasks are."""

import re

import pytest
from playwright.sync_api import expect

from casework.models import Referral, ReferralStatus
from communities.models import Country
from tests.casework.factories import AgencyFactory, CaseFactory, CaseWorkerUserFactory, GoalFactory
from tests.field.test_browser import log_in, shot, wait_until_kept_offline
from tests.field.test_offline_privacy import cached

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Гульнара Сейткали"
DOCUMENT = "N 0123456"


def test_a_case_worker_refers_a_case_offline_and_records_its_completion_offline(phone, live_server, community):
    worker = CaseWorkerUserFactory(username="aigul", first_name="Айгуль")
    case = CaseFactory(
        case_worker=worker,
        beneficiary__community=community,
        beneficiary__code="UA-004321",
        beneficiary__identity__full_name=NAME,
        beneficiary__identity__document_number=DOCUMENT,
    )
    GoalFactory(case=case, description="Відновити паспорт")
    passport_office = AgencyFactory(name="Паспортний стіл", country=Country.UKRAINE)
    AgencyFactory(name="Cizinecká policie", country=Country.CZECHIA)

    page = phone.new_page()
    log_in(page, live_server, "aigul")
    expect(page.locator("h1")).to_have_text("My case work")
    wait_until_kept_offline(page, "/field/", "/field/cases/", "/field/tasks/", "/field/cases/contact/")
    page.click('a[href="/field/cases/"]')
    page.click("text=UA-004321")
    page.wait_for_url(re.compile(rf"/field/cases/{case.pk}/$"))
    expect(page.locator("main")).to_contain_text("Відновити паспорт")
    expect(page.locator("main")).not_to_contain_text(NAME)
    shot(page, "casework-case")
    page.click(f'a[href="/field/cases/{case.pk}/person/"]')
    expect(page.locator("main")).to_contain_text(NAME)
    page.go_back()

    # Refer the case, with no connection: the referral waits on the phone, then arrives once.
    page.click(f'a[href="/field/cases/{case.pk}/referrals/new/"]')
    expect(page.locator("#id_agency option")).to_have_count(2)  # "choose" and the one Ukrainian office
    page.select_option("#id_agency", str(passport_office.pk))
    page.fill("#id_reason", "Паспорт втрачено під час евакуації")
    shot(page, "casework-referral-form")
    phone.set_offline(True)
    page.click("form[data-queue] button[type=submit]")
    badge = page.locator("[data-outbox]")
    expect(badge).to_have_text("1 waiting to send")
    assert not Referral.objects.exists()
    phone.set_offline(False)
    expect(badge).to_be_hidden()
    expect(page.locator("[data-status]")).to_contain_text("Sent: Referral of case UA-004321: Паспортний стіл")
    referral = Referral.objects.get()
    assert (referral.case, referral.agency, referral.status) == (case, passport_office, ReferralStatus.SENT)

    # The agency's answer, recorded offline too.
    page.click("[data-status] a")
    page.wait_for_url(re.compile(rf"/field/referrals/{referral.pk}/$"))
    page.check('[name="to_status"][value="completed"]')
    page.fill("#id_feedback", "Паспорт видано 12 грудня")
    phone.set_offline(True)
    page.click("form[data-queue] button[type=submit]")
    expect(badge).to_have_text("1 waiting to send")
    phone.set_offline(False)
    expect(badge).to_be_hidden()
    expect(page.locator("[data-status]")).to_contain_text("Sent: Referral to Паспортний стіл")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert "Паспорт видано 12 грудня" in referral.feedback
    assert referral.status_changes.count() == 2
    page.reload()
    expect(page.locator("main")).to_contain_text("Completed")
    shot(page, "casework-referral")

    # What the phone keeps: case codes and tasks, never the case, the person or the referral.
    phone.set_offline(True)
    page.goto(f"{live_server.url}/field/cases/{case.pk}/")
    expect(page.locator('[data-when="private"]')).to_be_visible()
    kept = {entry["path"]: entry["text"] for entry in cached(page)}
    assert "UA-004321" in kept["/field/cases/"]
    assert "/field/tasks/" in kept
    for path, text in kept.items():
        assert NAME not in text, path
        assert DOCUMENT not in text, path
        assert not re.match(r"/field/(cases/\d+/(person/)?$|referrals/\d+/)", path), path
    phone.set_offline(False)
