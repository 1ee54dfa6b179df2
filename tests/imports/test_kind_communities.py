"""Importing regions, communities, partnership history, partner organisations and safety
assessments: names match whatever the apostrophe, numbers as people type them, a reference to
something the portal lacks rejects its row, the check writes nothing and a second import of the
same file changes nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from communities.models import (
    AssessmentScore,
    Community,
    Country,
    LeaveReason,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
)
from communities.services import assessment_first_instrument, partnership_start
from imports.cells import normalise_header
from imports.models import ImportJob, ImportStatus
from imports.services import import_confirm, import_upload
from imports.specs import record_type
from imports.workbooks import template_workbook
from tests.communities.factories import (
    AssessmentDimensionFactory,
    AssessmentInstrumentFactory,
    CommunityFactory,
    PartnerOrganisationFactory,
    RegionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

KAMIANETS = "Кам'янець-Подільська міська громада"
KAMIANETS_TYPED = "Кам’янець-Подільська міська громада"  # the typographic apostrophe


def csv(*lines: str, name: str = "sheet.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode())


def xlsx(header: list[str], rows: list[list], name: str = "sheet.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def check(kind: str, file: SimpleUploadedFile, user) -> ImportJob:
    with translation.override("en"):
        job = import_upload(kind=kind, upload=file, actor=user)
    job.refresh_from_db()  # the check ran on its own copy of the job
    return job


def confirm(job: ImportJob, user) -> ImportJob:
    with translation.override("en"):
        return import_confirm(job=job, actor=user)


def counts(job: ImportJob) -> tuple[int, int, int, int]:
    return (job.to_create, job.to_update, job.unchanged, job.rejected)


def rejected_rows(job: ImportJob) -> list[tuple[int, list[list[str]]]]:
    return [(row["row"], row["errors"]) for row in job.rows if row["status"] == "rejected"]


# --- regions -------------------------------------------------------------------------------------

REGIONS = ("Name,Country", "Хмельницька область,UA", "Jihomoravský kraj,Czech Republic")


def test_regions_are_checked_without_writing_then_imported_by_country_code_or_name(staff_user):
    job = check("regions", csv(*REGIONS), staff_user)
    assert counts(job) == (2, 0, 0, 0)
    assert not Region.objects.exists()
    assert confirm(job, staff_user).status == ImportStatus.IMPORTED
    assert set(Region.objects.values_list("name", "country")) == {
        ("Хмельницька область", Country.UKRAINE),
        ("Jihomoravský kraj", Country.CZECHIA),
    }


def test_importing_the_same_regions_again_changes_nothing(staff_user):
    confirm(check("regions", csv(*REGIONS), staff_user), staff_user)
    again = check("regions", csv(*REGIONS), staff_user)
    assert counts(again) == (0, 0, 2, 0)
    assert not again.can_confirm


# --- communities ---------------------------------------------------------------------------------

COMMUNITY_HEADER = ["Name", "Region", "Kind", "Population", "Latitude", "Longitude"]


@pytest.fixture
def khmelnytska(db):
    return RegionFactory(name="Хмельницька область")


def test_a_community_is_imported_with_a_spaced_population_and_decimal_comma_coordinates(staff_user, khmelnytska):
    file = xlsx(COMMUNITY_HEADER, [[KAMIANETS_TYPED, "хмельницька область", "Hromada", "12 345", "50,4501", "30,5234"]])
    job = check("communities", file, staff_user)
    assert counts(job) == (1, 0, 0, 0)
    assert not Community.objects.exists()
    assert confirm(job, staff_user).status == ImportStatus.IMPORTED
    community = Community.objects.get()
    assert (community.name, community.region, community.population) == (KAMIANETS_TYPED, khmelnytska, 12345)
    assert (community.latitude, community.longitude) == (Decimal("50.4501"), Decimal("30.5234"))
    assert community.history.get().history_user == staff_user


def test_a_community_named_with_another_apostrophe_is_updated_not_added(staff_user, khmelnytska):
    existing = CommunityFactory(name=KAMIANETS, region=khmelnytska, population=10_000)
    file = xlsx(COMMUNITY_HEADER, [[KAMIANETS_TYPED, khmelnytska.name, "", "12 345", "50,4501", "30,5234"]])
    job = confirm(check("communities", file, staff_user), staff_user)
    assert counts(job) == (0, 1, 0, 0)
    existing.refresh_from_db()
    assert (existing.name, existing.population, existing.kind) == (KAMIANETS, 12345, "hromada")
    assert Community.objects.count() == 1


def test_importing_the_same_communities_again_changes_nothing(staff_user, khmelnytska):
    def file():
        return xlsx(COMMUNITY_HEADER, [[KAMIANETS, khmelnytska.name, "Hromada", 12345, 50.4501, "30,5234"]])

    confirm(check("communities", file(), staff_user), staff_user)
    assert counts(check("communities", file(), staff_user)) == (0, 0, 1, 0)


def test_a_community_in_a_region_the_portal_lacks_is_rejected_naming_the_row(staff_user, khmelnytska):
    file = csv(
        "Name,Region,Population",
        f"{KAMIANETS},{khmelnytska.name},12000",
        "Нова громада,Неіснуюча область,500",
    )
    job = check("communities", file, staff_user)
    assert counts(job) == (1, 0, 0, 1)
    [(row, errors)] = rejected_rows(job)
    assert row == 3
    assert errors[0][0] == "Region"
    assert "Неіснуюча область" in errors[0][1]
    assert not job.can_confirm
    assert not Community.objects.exists()


def test_a_latitude_off_the_globe_is_rejected_in_its_column(staff_user, khmelnytska):
    job = check("communities", csv("Name,Region,Latitude", f'{KAMIANETS},{khmelnytska.name},"95,5"'), staff_user)
    assert rejected_rows(job) == [(2, [["Latitude", "Ensure this value is less than or equal to 90."]])]


def test_a_region_name_two_countries_share_needs_the_country(staff_user):
    RegionFactory(name="Pohraničí", country=Country.CZECHIA)
    RegionFactory(name="Pohraničí", country=Country.UKRAINE)
    ambiguous = check("communities", csv("Name,Region", "Obec,Pohraničí"), staff_user)
    assert rejected_rows(ambiguous)[0][1][0][0] == "Region"
    told = check("communities", csv("Name,Region,Country", "Obec,Pohraničí,CZ"), staff_user)
    assert counts(told) == (1, 0, 0, 0)


# --- partnerships --------------------------------------------------------------------------------

PARTNERSHIP_HEADER = "Community,Joined on,Left on,Reason for leaving,Note"


@pytest.fixture
def open_partner(db):
    community = CommunityFactory(name=KAMIANETS)
    partnership_start(community=community, joined_on=date(2021, 3, 1))
    return community


def partnerships_file() -> SimpleUploadedFile:
    return csv(
        PARTNERSHIP_HEADER,
        f"{KAMIANETS_TYPED},01.01.2018,31.12.2019,Funding ended,Перший період",
        f"{KAMIANETS},2021-03-01,31.05.2023,Elections changed the community's leadership,",
    )


def test_partnerships_add_a_past_period_and_close_the_open_one(staff_user, open_partner):
    job = confirm(check("partnerships", partnerships_file(), staff_user), staff_user)
    assert counts(job) == (1, 1, 0, 0)
    periods = list(open_partner.partnerships.values_list("joined_on", "left_on", "leave_reason"))
    assert periods == [
        (date(2018, 1, 1), date(2019, 12, 31), LeaveReason.FUNDING),
        (date(2021, 3, 1), date(2023, 5, 31), LeaveReason.ELECTIONS),
    ]


def test_importing_the_same_partnerships_again_changes_nothing(staff_user, open_partner):
    confirm(check("partnerships", partnerships_file(), staff_user), staff_user)
    assert counts(check("partnerships", partnerships_file(), staff_user)) == (0, 0, 2, 0)


def test_a_partnership_overlapping_another_is_rejected(staff_user, open_partner):
    job = check("partnerships", csv(PARTNERSHIP_HEADER, f"{KAMIANETS},01.06.2022,,,"), staff_user)
    [(row, errors)] = rejected_rows(job)
    assert row == 2
    assert ["Joined on", "This period overlaps another partnership period of the same community."] in errors
    assert Partnership.objects.count() == 1


def test_a_reason_for_leaving_without_a_leaving_date_is_rejected(staff_user):
    CommunityFactory(name=KAMIANETS)
    job = check("partnerships", csv(PARTNERSHIP_HEADER, f"{KAMIANETS},01.06.2022,,Funding ended,"), staff_user)
    assert rejected_rows(job) == [(2, [["Left on", "Give the date the community left, or clear the reason."]])]


# --- partner organisations -----------------------------------------------------------------------

ORGANISATION_HEADER = "Name,Short name,Country,Website,Active,Communities covered"


def test_an_organisation_is_imported_with_the_communities_it_covers(staff_user, community):
    kamianets = CommunityFactory(name=KAMIANETS)
    file = csv(
        ORGANISATION_HEADER, f'ГО «Мир»,Мир,Ukraine,https://myr.example,так,"{KAMIANETS_TYPED}; {community.name}"'
    )
    job = confirm(check("partner-organisations", file, staff_user), staff_user)
    assert counts(job) == (1, 0, 0, 0)
    organisation = PartnerOrganisation.objects.get(name="ГО «Мир»")
    assert set(organisation.communities.all()) == {kamianets, community}


def test_coverage_is_added_to_and_never_removed(staff_user, community, other_community):
    organisation = PartnerOrganisationFactory(name="ГО «Мир»", country=Country.UKRAINE, communities=[other_community])
    file = csv(
        ORGANISATION_HEADER, f"ГО «Мир»,{organisation.short_name},UA,{organisation.website},yes,{community.name}"
    )
    job = confirm(check("partner-organisations", file, staff_user), staff_user)
    assert counts(job) == (0, 1, 0, 0)
    assert set(organisation.communities.all()) == {community, other_community}
    again = csv(
        ORGANISATION_HEADER, f"ГО «Мир»,{organisation.short_name},UA,{organisation.website},yes,{community.name}"
    )
    assert counts(check("partner-organisations", again, staff_user)) == (0, 0, 1, 0)


def test_an_organisation_covering_an_unknown_community_is_rejected_naming_it(staff_user, community):
    file = csv(ORGANISATION_HEADER, f'ГО «Мир»,,UA,,,"{community.name}\nГромада-привид"')
    job = check("partner-organisations", file, staff_user)
    [(row, [[header, message]])] = rejected_rows(job)
    assert (row, header) == (2, "Communities covered")
    assert "Громада-привид" in message
    assert not PartnerOrganisation.objects.filter(name="ГО «Мир»").exists()


def test_a_covered_community_two_regions_share_is_told_apart_by_its_region_in_brackets(staff_user, khmelnytska):
    here = CommunityFactory(name="Нова Ушиця", region=khmelnytska)
    CommunityFactory(name="Нова Ушиця", region=RegionFactory(name="Вінницька область"))
    ambiguous = check("partner-organisations", csv(ORGANISATION_HEADER, "ГО «Мир»,,UA,,,Нова Ушиця"), staff_user)
    assert rejected_rows(ambiguous)[0][1][0][0] == "Communities covered"
    line = "ГО «Мир»,,UA,,,Нова Ушиця (Хмельницька область)"
    confirm(check("partner-organisations", csv(ORGANISATION_HEADER, line), staff_user), staff_user)
    assert list(PartnerOrganisation.objects.get(name="ГО «Мир»").communities.all()) == [here]


# --- safety assessments --------------------------------------------------------------------------


@pytest.fixture
def instrument(db):
    return assessment_first_instrument()


def assessment_file(trust=4) -> SimpleUploadedFile:
    # A dimension by its code, another by its Ukrainian name, a third by its English one.
    header = ["Community", "Year", "Half-year", "Assessed on", "Respondents", "perceived_safety", "Довіра до поліції"]
    header.append("Community cohesion")
    return xlsx(header, [[KAMIANETS_TYPED, 2024, 1, "15.06.2024", 120, "3,5", trust, 4.25]])


def test_an_assessment_is_imported_with_a_score_per_dimension_column(staff_user, instrument):
    community = CommunityFactory(name=KAMIANETS)
    job = check("assessments", assessment_file(), staff_user)
    assert counts(job) == (1, 0, 0, 0)
    assert not SafetyAssessment.objects.exists()
    confirm(job, staff_user)
    assessment = SafetyAssessment.objects.get(community=community)
    assert (assessment.year, assessment.half, assessment.respondents, assessment.instrument) == (
        2024,
        1,
        120,
        instrument,
    )
    assert assessment.score_values() == {
        "perceived_safety": Decimal("3.5"),
        "trust_in_police": Decimal("4"),
        "cohesion": Decimal("4.25"),
    }


def test_importing_the_same_assessment_again_changes_nothing_and_a_new_score_updates(staff_user, instrument):
    CommunityFactory(name=KAMIANETS)
    confirm(check("assessments", assessment_file(), staff_user), staff_user)
    assert counts(check("assessments", assessment_file(), staff_user)) == (0, 0, 1, 0)
    job = confirm(check("assessments", assessment_file(trust=2), staff_user), staff_user)
    assert counts(job) == (0, 1, 0, 0)
    assert AssessmentScore.objects.get(dimension__code="trust_in_police").value == Decimal("2")


def test_a_score_off_its_scale_is_rejected_in_its_column(staff_user, instrument):
    CommunityFactory(name=KAMIANETS)
    job = check("assessments", assessment_file(trust=7), staff_user)
    assert rejected_rows(job) == [
        (2, [["Довіра до поліції", "The score of “Trust in police” must be between 1 and 5."]])
    ]


def test_score_columns_are_headed_by_a_dimensions_code_or_its_name_in_any_language(instrument):
    column = record_type("assessments").column_named("score_trust_in_police")
    names = ["trust_in_police", "Trust in police", "Довіра до поліції", "Důvěra v policii", "Доверие к полиции"]
    assert {normalise_header(name) for name in names} <= column.headers()


def test_the_assessments_template_has_a_column_per_dimension_of_the_current_instruments(instrument):
    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(template_workbook(record_type("assessments"))))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert {"Perceived safety", "Trust in police", "Infrastructure safety"} <= set(headers)


@pytest.fixture
def broad_v2(db):
    """An instrument in two versions: the second adds street lighting."""
    first = AssessmentInstrumentFactory(code="RP-BROAD", version=1)
    AssessmentDimensionFactory(instrument=first, code="cctv", name_en="CCTV coverage")
    second = AssessmentInstrumentFactory(code="RP-BROAD", version=2)
    AssessmentDimensionFactory(instrument=second, code="cctv", name_en="CCTV coverage")
    AssessmentDimensionFactory(instrument=second, code="lighting", name_en="Street lighting")
    return second


HEADER_WITH_INSTRUMENT = ["Community", "Year", "Half-year", "Assessed on", "Respondents", "Instrument"]


def test_an_instrument_named_by_its_code_is_its_latest_version(staff_user, broad_v2):
    community = CommunityFactory(name=KAMIANETS)
    row = [KAMIANETS, 2024, "July–December", date(2024, 11, 2), 80, "rp-broad", 2, "4,5"]
    file = xlsx([*HEADER_WITH_INSTRUMENT, "cctv", "Street lighting"], [row])
    confirm(check("assessments", file, staff_user), staff_user)
    assessment = SafetyAssessment.objects.get(community=community)
    assert (assessment.half, assessment.instrument) == (2, broad_v2)
    assert assessment.score_values() == {"cctv": Decimal(2), "lighting": Decimal("4.5")}


def test_a_score_for_a_dimension_the_instrument_lacks_is_rejected_in_its_column(staff_user, instrument, broad_v2):
    CommunityFactory(name=KAMIANETS)
    row = [KAMIANETS, 2024, 2, date(2024, 11, 2), 80, "", 3]
    job = check("assessments", xlsx([*HEADER_WITH_INSTRUMENT, "Street lighting"], [row]), staff_user)
    [(row_number, [[header, _message]])] = rejected_rows(job)
    assert (row_number, header) == (2, "Street lighting")


def test_an_unknown_instrument_code_is_rejected(staff_user, instrument):
    CommunityFactory(name=KAMIANETS)
    row = [KAMIANETS, 2024, 2, date(2024, 11, 2), 80, "NO-SUCH"]
    job = check("assessments", xlsx(HEADER_WITH_INSTRUMENT, [row]), staff_user)
    assert rejected_rows(job) == [(2, [["Instrument", "No assessment instrument has the code NO-SUCH."]])]
