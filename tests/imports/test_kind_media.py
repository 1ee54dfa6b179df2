"""Importing media mentions (issue 19): checked without writing, found again by their link or by
community, date and headline, refused by row and column where the admin's rules say no."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports.services import import_confirm, import_upload
from negotiators.models import MediaMention, Medium
from tests.communities.factories import CommunityFactory
from tests.negotiators.factories import MediaMentionFactory

pytestmark = pytest.mark.django_db

HEADER = ["published_on", "outlet", "medium", "title", "url", "reach", "community", "programme"]


def upload(rows, actor):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    with translation.override("en"):
        job = import_upload(
            kind="media-mentions", upload=SimpleUploadedFile("media.csv", buffer.getvalue().encode()), actor=actor
        )
    job.refresh_from_db()  # the check ran on its own copy of the job
    return job


def confirm(job, actor):
    with translation.override("en"):
        return import_confirm(job=job, actor=actor)


@pytest.fixture
def community(db):
    return CommunityFactory(name="Славутицька громада")


def test_check_writes_nothing_and_import_creates_mentions(community, staff_user, media_root):
    rows = [
        HEADER,
        ["15.03.2025", "Суспільне", "Television", "Сюжет про громаду", "", "50 000", "славутицька громада", ""],
        ["16.03.2025", "Укрінформ", "online", "Програма в цифрах", "https://www.ukrinform.ua/a/1", "", "", "TEST"],
    ]

    job = upload(rows, staff_user)

    assert (job.to_create, job.to_update, job.unchanged, job.rejected) == (2, 0, 0, 0), job.rows
    assert MediaMention.objects.count() == 0
    confirm(job, staff_user)
    local = MediaMention.objects.get(community=community)
    assert (local.medium, local.reach, local.programme.code) == (Medium.TV, 50_000, "TEST")
    assert MediaMention.objects.get(community=None).url == "https://www.ukrinform.ua/a/1"


def test_invalid_link_is_rejected_by_row_and_column_and_nothing_stored(community, staff_user, media_root):
    rows = [
        HEADER,
        ["15.03.2025", "Суспільне", "tv", "Сюжет", "", "", "Славутицька громада", ""],
        ["15.03.2025", "Суспільне", "tv", "Інший сюжет", "не посилання", "", "Славутицька громада", ""],
    ]

    job = confirm(upload(rows, staff_user), staff_user)

    (rejected,) = [row for row in job.rows if row["status"] == "rejected"]
    assert rejected["row"] == 3
    assert rejected["errors"] == [["url", "Enter a valid URL."]]
    assert MediaMention.objects.count() == 0


def test_reimport_is_unchanged_and_found_by_link_or_headline(community, staff_user, media_root):
    MediaMentionFactory(
        community=community, published_on="2025-03-15", title="Сюжет про громаду", outlet="Суспільне", reach=100
    )
    MediaMentionFactory(
        community=None, published_on="2025-03-16", title="Старий заголовок", url="https://ukrinform.ua/a/1/", reach=0
    )
    rows = [
        HEADER,
        ["15.03.2025", "Суспільне", "tv", "СЮЖЕТ  про громаду", "", "100", "Славутицька громада", ""],
        ["16.03.2025", "Суспільне Хмельницький", "tv", "Старий заголовок", "http://www.ukrinform.ua/a/1", "0", "", ""],
    ]

    job = upload(rows, staff_user)
    assert (job.to_create, job.to_update, job.unchanged) == (0, 0, 2), job.rows

    rows[1][5] = "2000"
    job = confirm(upload(rows, staff_user), staff_user)
    assert (job.to_create, job.to_update, job.unchanged) == (0, 1, 1)
    assert MediaMention.objects.get(community=community).reach == 2000
    assert MediaMention.objects.count() == 2


def test_a_mention_of_the_whole_programme_needs_staff(community, manager_user, staff_user, media_root):
    rows = [HEADER, ["16.03.2025", "Укрінформ", "online", "Програма", "", "", "", "TEST"]]

    job = upload(rows, manager_user)

    (rejected,) = job.rows
    assert rejected["errors"] == [["", "Only staff record mentions about the whole programme."]]
