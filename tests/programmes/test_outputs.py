"""The programme's other work: the outputs register, advocacy campaigns, its network and its
agreements: their rules, who sees them, the API and the change feed."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from access.viewer import Viewer
from negotiators.models import OutreachEvent
from programmes.models import (
    Agreement,
    Campaign,
    Deliverable,
    DeliverableStatus,
    DocumentAccess,
    Milestone,
    MilestoneStatus,
    NetworkMembership,
)
from programmes.selectors import visible_agreements, visible_campaigns, visible_deliverables
from programmes.services import (
    agreement_save,
    campaign_delete,
    deliverable_delete,
    deliverable_save,
    milestone_add,
    network_member_add,
)
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import PartnerOrganisationFactory
from tests.negotiators.factories import MediaMentionFactory, OutreachEventFactory
from tests.programmes.factories import (
    ProgrammeFactory,
    agreement_in,
    campaign_in,
    deliverable_in,
    document_in,
    programme_in,
)
from tests.sync.support import differences, follow, full_pull

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(community, partner, media_root):
    """The partner's programme (it leads the consortium, its community takes part) with an
    output, a campaign and an agreement."""
    programme = programme_in(community, partner=partner, code="OURS")
    return {
        "programme": programme,
        "deliverable": deliverable_in(programme, document=document_in(programme, access=DocumentAccess.PARTNERS)),
        "campaign": campaign_in(programme, events=[OutreachEventFactory(community=community)]),
        "agreement": agreement_in(programme, communities=[community]),
    }


@pytest.fixture
def theirs(other_community, media_root):
    """Another partner's programme, elsewhere, with the same three records."""
    programme = programme_in(other_community, partner=PartnerOrganisationFactory(), code="THEIRS")
    return {
        "programme": programme,
        "deliverable": deliverable_in(programme, title="Чужий довідник"),
        "campaign": campaign_in(programme, title="Чужа кампанія"),
        "agreement": agreement_in(programme, communities=[other_community], title="Чужий меморандум"),
    }


# --- rules -------------------------------------------------------------------------------------


def test_a_quantity_is_never_negative():
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as raised:
        deliverable_save(
            deliverable=Deliverable(programme=programme, kind="publication", title="X", quantity=-1), actor=None
        )
    assert "quantity" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliverable.objects.create(programme=programme, kind="publication", title="X", quantity=-1)


def test_a_delivered_output_has_a_date():
    deliverable = Deliverable(
        programme=ProgrammeFactory(), kind="video", title="Фільм", status=DeliverableStatus.DELIVERED
    )
    with pytest.raises(ValidationError) as raised:
        deliverable_save(deliverable=deliverable, actor=None)
    assert "date" in raised.value.message_dict


def test_the_document_of_an_output_or_agreement_is_one_of_its_programmes(media_root):
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    foreign = document_in(other)
    with pytest.raises(ValidationError) as raised:
        deliverable_in(programme, document=foreign)
    assert "document" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        agreement_in(programme, document=foreign)
    assert "document" in raised.value.message_dict
    assert deliverable_in(other, document=foreign).document == foreign


def test_a_campaign_ends_after_it_starts():
    with pytest.raises(ValidationError) as raised:
        campaign_in(ProgrammeFactory(), starts_on=date(2025, 3, 1), ends_on=date(2025, 2, 1))
    assert "ends_on" in raised.value.message_dict


def test_a_done_milestone_has_its_date_and_a_dated_one_is_done():
    campaign = campaign_in(ProgrammeFactory())
    with pytest.raises(ValidationError) as raised:
        milestone_add(campaign=campaign, title="A", due_on=date(2025, 1, 1), status=MilestoneStatus.DONE, actor=None)
    assert "done_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        milestone_add(campaign=campaign, title="B", due_on=date(2025, 1, 1), done_on=date(2025, 1, 2), actor=None)
    assert "status" in raised.value.message_dict


def test_a_network_member_leaves_after_it_joined(partner):
    with pytest.raises(ValidationError) as raised:
        network_member_add(
            programme=ProgrammeFactory(),
            network="Коаліція",
            partner=partner,
            joined_on=date(2025, 5, 1),
            left_on=date(2025, 4, 1),
            actor=None,
        )
    assert "left_on" in raised.value.message_dict


def test_an_agreement_is_valid_until_after_it_is_signed_and_expires_then():
    with pytest.raises(ValidationError) as raised:
        agreement_in(ProgrammeFactory(), signed_on=date(2025, 1, 1), valid_until=date(2025, 1, 1))
    assert "valid_until" in raised.value.message_dict
    today = timezone.localdate()
    assert agreement_in(ProgrammeFactory(), signed_on=date(2024, 1, 1)).status == "in_force"
    assert agreement_in(ProgrammeFactory(), valid_until=today).status == "in_force"
    assert agreement_in(ProgrammeFactory(), valid_until=today - timedelta(days=1)).status == "expired"


# --- services ----------------------------------------------------------------------------------


def test_deleting_a_campaign_keeps_its_events_and_mentions_unlinked(community):
    event, mention = OutreachEventFactory(community=community), MediaMentionFactory(community=community)
    campaign = campaign_in(ProgrammeFactory(), events=[event], media_mentions=[mention])
    campaign_delete(campaign=campaign, actor=None)
    event.refresh_from_db()
    mention.refresh_from_db()
    assert (event.campaign_id, mention.campaign_id) == (None, None)
    assert not Milestone.objects.exists()


def test_agreement_parties_are_set_and_replaced(community, other_community, partner):
    agreement = agreement_in(ProgrammeFactory(), communities=[community], partners=[partner])
    assert set(agreement.communities.all()) == {community}
    agreement_save(agreement=agreement, actor=None, communities=[other_community], partners=[])
    assert set(agreement.communities.all()) == {other_community}
    assert not agreement.partners.exists()


def test_a_programme_with_outputs_is_not_deleted_and_the_message_says_why():
    from programmes.services import programme_delete

    programme = ProgrammeFactory()
    deliverable_in(programme)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        programme_delete(programme=programme)
    assert "outputs register" in raised.value.messages[0]
    assert Deliverable.objects.filter(programme=programme).exists()


def test_a_linked_document_cannot_be_deleted(media_root):
    from django.db.models import ProtectedError

    programme = ProgrammeFactory()
    document = document_in(programme)
    deliverable = deliverable_in(programme, document=document)
    with pytest.raises(ProtectedError):
        document.delete()
    deliverable_delete(deliverable=deliverable, actor=None)
    document.delete()


# --- who sees what -----------------------------------------------------------------------------


def test_a_partner_sees_the_outputs_and_campaigns_of_its_programmes_only(ours, theirs, partner):
    viewer = Viewer.for_partner(partner)
    assert set(visible_deliverables(viewer)) == {ours["deliverable"]}
    assert set(visible_campaigns(viewer)) == {ours["campaign"]}
    assert set(visible_agreements(viewer)) == {ours["agreement"]}


def test_a_partner_sees_the_agreements_it_or_its_communities_are_party_to(community, other_community, partner):
    elsewhere = ProgrammeFactory()  # neither its consortium nor its communities
    own = agreement_in(elsewhere, partners=[partner], title="Сторона")
    covered = agreement_in(elsewhere, communities=[community], title="Громада")
    agreement_in(elsewhere, communities=[other_community], title="Чужа")
    assert set(visible_agreements(Viewer.for_partner(partner))) == {own, covered}


def test_a_partners_members_see_what_its_key_sees(ours, theirs, partner_user):
    viewer = Viewer.for_user(partner_user)
    assert set(visible_deliverables(viewer)) == {ours["deliverable"]}
    assert set(visible_agreements(viewer)) == {ours["agreement"]}


def test_a_negotiator_sees_its_programmes_outputs_but_no_campaign_or_agreement(ours, theirs, negotiator_user):
    viewer = Viewer.for_user(negotiator_user)
    assert set(visible_deliverables(viewer)) == {ours["deliverable"]}
    assert not visible_campaigns(viewer).exists()
    assert not visible_agreements(viewer).exists()


@pytest.mark.usefixtures("api_settings")
@pytest.mark.parametrize("prefix", ["deliverables", "campaigns", "agreements"])
def test_another_programmes_record_is_not_found_for_a_partner(api_as, ours, theirs, prefix):
    client = api_as("partner_key")
    key = prefix[:-1] if prefix != "deliverables" else "deliverable"
    assert client.get(f"/api/v1/{prefix}/{ours[key].pk}/").status_code == 200
    assert client.get(f"/api/v1/{prefix}/{theirs[key].pk}/").status_code == 404
    assert api_as("staff").get(f"/api/v1/{prefix}/{theirs[key].pk}/").status_code == 200


# --- the API -----------------------------------------------------------------------------------


def rows(client, prefix, **query) -> list[dict]:
    response = client.get(f"/api/v1/{prefix}/", query)
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


@pytest.mark.usefixtures("api_settings")
def test_outputs_list_detail_and_filters(api_as, ours, theirs):
    staff = api_as("staff")
    assert {row["title"] for row in rows(staff, "deliverables")} == {
        "Довідник соціального перемовника",
        "Чужий довідник",
    }
    assert [row["id"] for row in rows(staff, "deliverables", programme=ours["programme"].pk)] == [
        ours["deliverable"].pk
    ]
    assert rows(staff, "deliverables", kind="video") == []
    assert len(rows(staff, "deliverables", status="delivered", date_after="2024-01-01")) == 2
    detail = staff.get(f"/api/v1/deliverables/{ours['deliverable'].pk}/").json()
    assert detail["quantity"] == 50
    assert detail["document"] == ours["deliverable"].document_id
    refused = staff.get("/api/v1/deliverables/", {"kind": "poster"})
    assert refused.status_code == 400
    assert staff.get("/api/v1/deliverables/", {"programme": "x"}).status_code == 400


@pytest.mark.usefixtures("api_settings")
def test_a_document_is_linked_only_for_those_who_see_it(api_as, ours):
    programme = ours["programme"]
    secret = deliverable_in(
        programme, title="Внутрішній звіт", document=document_in(programme, access=DocumentAccess.STAFF)
    )
    partner = {row["id"]: row for row in rows(api_as("partner_key"), "deliverables")}
    staff = {row["id"]: row for row in rows(api_as("staff"), "deliverables")}
    negotiator = {row["id"]: row for row in rows(api_as("negotiator"), "deliverables")}
    assert staff[secret.pk]["document"] == secret.document_id
    assert partner[secret.pk]["document"] is None
    assert partner[ours["deliverable"].pk]["document"] == ours["deliverable"].document_id
    # A negotiator sees public documents only.
    assert negotiator[ours["deliverable"].pk]["document"] is None


@pytest.mark.usefixtures("api_settings")
def test_a_campaign_shows_its_milestones_and_the_ids_of_its_events_and_mentions(api_as, ours, community):
    campaign = ours["campaign"]
    mention = MediaMentionFactory(community=community)
    mention.campaign = campaign
    mention.save()
    body = api_as("partner_key").get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert [milestone["title"] for milestone in body["milestones"]] == ["Круглий стіл"]
    assert body["events"] == list(campaign.events.values_list("pk", flat=True))
    assert body["media_mentions"] == [mention.pk]
    assert rows(api_as("staff"), "campaigns", status="achieved") == []
    assert len(rows(api_as("staff"), "campaigns", active_on="2025-01-01")) == 1


@pytest.mark.usefixtures("api_settings")
def test_agreements_filter_by_party_and_status(api_as, ours, community, partner):
    staff = api_as("staff")
    expired = agreement_in(ours["programme"], partners=[partner], title="Стара угода", valid_until=date(2024, 6, 1))
    assert {row["id"] for row in rows(staff, "agreements", status="expired")} == {expired.pk}
    assert {row["id"] for row in rows(staff, "agreements", status="in_force")} == {ours["agreement"].pk}
    assert {row["id"] for row in rows(staff, "agreements", community=community.pk)} == {ours["agreement"].pk}
    assert {row["id"] for row in rows(staff, "agreements", partner=partner.pk)} == {expired.pk}
    body = staff.get(f"/api/v1/agreements/{expired.pk}/").json()
    assert (body["status"], body["partners"], body["communities"]) == ("expired", [partner.pk], [])


@pytest.mark.usefixtures("api_settings")
@pytest.mark.parametrize("prefix", ["deliverables", "campaigns", "agreements"])
def test_each_collection_comes_as_csv(api_as, ours, prefix):
    response = api_as("partner_key").get(f"/api/v1/{prefix}/", {"format": "csv"})
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert len(table) == 1
    assert "title" in table[0]


@pytest.mark.usefixtures("api_settings")
def test_the_programme_shows_its_network(api_as, ours, partner):
    programme = ours["programme"]
    network_member_add(
        programme=programme, network="Коаліція НУО", partner=partner, joined_on=date(2024, 3, 1), actor=None
    )
    body = api_as("partner_key").get(f"/api/v1/programmes/{programme.pk}/").json()
    assert body["network"] == [
        {"network": "Коаліція НУО", "partner": partner.pk, "joined_on": "2024-03-01", "left_on": None}
    ]


# --- the change feed ---------------------------------------------------------------------------


def feed_items(client, cursor: str) -> tuple[str, list[dict]]:
    return follow(client, {}, cursor)


@pytest.mark.usefixtures("api_settings")
def test_the_feed_records_creates_updates_and_deletes_of_the_new_collections(
    staff_user, community, partner, media_root
):
    client = key_client(issue_key(staff_user))
    cursor, _ = feed_items(client, "")
    programme = programme_in(community, partner=partner)
    deliverable = deliverable_in(programme)
    campaign = campaign_in(programme)
    agreement = agreement_in(programme, communities=[community])
    cursor, items = feed_items(client, cursor)
    created = {(item["collection"], item["id"]) for item in items if item["change"] == "create"}
    assert {("deliverables", deliverable.pk), ("campaigns", campaign.pk), ("agreements", agreement.pk)} <= created
    deliverable.quantity = 60
    deliverable_save(deliverable=deliverable, actor=None)
    milestone_add(campaign=campaign, title="Ще один крок", due_on=date(2025, 2, 1), actor=None)
    cursor, items = feed_items(client, cursor)
    updated = {(item["collection"], item["id"]): item for item in items if item["change"] == "update"}
    assert updated["deliverables", deliverable.pk]["record"]["quantity"] == 60
    assert len(updated["campaigns", campaign.pk]["record"]["milestones"]) == 2
    ids = {"deliverables": deliverable.pk, "campaigns": campaign.pk, "agreements": agreement.pk}
    deliverable_delete(deliverable=deliverable, actor=None)
    campaign_delete(campaign=campaign, actor=None)
    Agreement.objects.get(pk=agreement.pk).delete()
    cursor, items = feed_items(client, cursor)
    assert {(item["collection"], item["id"], item["change"]) for item in items} >= {
        (name, pk, "delete") for name, pk in ids.items()
    }


@pytest.mark.usefixtures("api_settings")
def test_a_partners_copy_follows_links_parties_and_document_access(api_as, ours, partner, community, staff_user):
    clients = {"partner": key_client(issue_key(partner)), "staff": key_client(issue_key(staff_user))}
    copies: dict[str, dict] = {who: {} for who in clients}
    cursors = {who: follow(client, copies[who])[0] for who, client in clients.items()}

    def in_step():
        for who, client in clients.items():
            cursors[who], _ = follow(client, copies[who], cursors[who])
            assert differences(copies[who], full_pull(client)) == {}, who

    in_step()
    # An event linked to the campaign, then deleted; a mention linked.
    event = OutreachEventFactory(community=community)
    event.campaign = ours["campaign"]
    event.save()
    mention = MediaMentionFactory(community=None)
    mention.campaign = ours["campaign"]
    mention.save()
    in_step()
    assert event.pk in copies["partner"][("campaigns", ours["campaign"].pk)]["events"]
    OutreachEvent.objects.get(pk=event.pk).delete()
    in_step()
    # The partner becomes a party of an agreement elsewhere, then stops being one.
    elsewhere = agreement_in(ProgrammeFactory(), partners=[partner], title="Угода з партнером")
    in_step()
    assert ("agreements", elsewhere.pk) in copies["partner"]
    agreement_save(agreement=elsewhere, actor=None, partners=[PartnerOrganisationFactory()])
    in_step()
    assert ("agreements", elsewhere.pk) not in copies["partner"]
    # The output's document becomes staff-only: the partner's copy loses the link.
    document = ours["deliverable"].document
    document.access = DocumentAccess.STAFF
    from programmes.services import document_save

    document_save(document=document)
    in_step()
    assert copies["partner"][("deliverables", ours["deliverable"].pk)]["document"] is None
    # The programme's network is part of the programme.
    network_member_add(
        programme=ours["programme"], network="Мережа", partner=partner, joined_on=date(2024, 2, 1), actor=None
    )
    in_step()
    assert NetworkMembership.objects.count() == 1


# --- admin -------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff_user):
    verified_login(client, staff_user)
    return client


@pytest.mark.parametrize("model", [Deliverable, Campaign, Agreement, NetworkMembership])
def test_admin_add_and_change_pages_render(staff_client, ours, partner, model):
    if model is NetworkMembership:
        network_member_add(
            programme=ours["programme"], network="Коаліція", partner=partner, joined_on=date(2024, 3, 1), actor=None
        )
    info = (model._meta.app_label, model._meta.model_name)
    obj = model.objects.order_by("pk").first()
    for url in (
        reverse("admin:{}_{}_changelist".format(*info)),
        reverse("admin:{}_{}_add".format(*info)),
        reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
    ):
        assert staff_client.get(url).status_code == 200, url
    programme_page = reverse("admin:programmes_programme_change", args=[ours["programme"].pk])
    assert staff_client.get(programme_page).status_code == 200


def test_staff_add_an_agreement_with_its_parties_in_the_admin(staff_client, ours, community, partner):
    response = staff_client.post(
        reverse("admin:programmes_agreement_add"),
        {
            "programme": ours["programme"].pk,
            "kind": "memorandum",
            "title": "Новий меморандум",
            "communities": [community.pk],
            "partners": [partner.pk],
            "signed_on": "2024-05-01",
            "valid_until": "2024-04-01",
        },
    )
    assert response.status_code == 200  # refused: valid until before signed
    assert "valid_until" in response.context["adminform"].form.errors
    response = staff_client.post(
        reverse("admin:programmes_agreement_add"),
        {
            "programme": ours["programme"].pk,
            "kind": "memorandum",
            "title": "Новий меморандум",
            "communities": [community.pk],
            "partners": [partner.pk],
            "signed_on": "2024-05-01",
            "valid_until": "2026-04-01",
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Новий меморандум")
    assert (set(agreement.communities.all()), set(agreement.partners.all())) == ({community}, {partner})


def test_staff_add_a_campaign_with_milestones_in_the_admin(staff_client, ours):
    response = staff_client.post(
        reverse("admin:programmes_campaign_add"),
        {
            "programme": ours["programme"].pk,
            "title": "Нова кампанія",
            "status": "planned",
            "starts_on": "2025-01-10",
            "goal": "Мета",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "Крок",
            "milestones-0-due_on": "2025-03-01",
            "milestones-0-status": "pending",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Campaign.objects.get(title="Нова кампанія").milestones.get().title == "Крок"


def test_an_event_is_linked_to_a_campaign_from_its_admin_page(staff_client, ours, community):
    event = ours["campaign"].events.get()
    page = staff_client.get(reverse("admin:negotiators_outreachevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="campaign"' in page.content.decode()


def test_an_event_or_mention_joins_a_campaign_of_its_own_programme_only(ours, community):
    from negotiators.models import MediaMention

    elsewhere = campaign_in(ProgrammeFactory(code="ELSEWHERE-1"))
    event = ours["campaign"].events.get()
    event.campaign = elsewhere
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert "belongs to programme ELSEWHERE-1" in refused.value.message_dict["campaign"][0]
    mention = MediaMention.objects.filter(campaign=ours["campaign"]).first()
    if mention is not None:
        mention.campaign = elsewhere
        with pytest.raises(ValidationError):
            mention.full_clean()
