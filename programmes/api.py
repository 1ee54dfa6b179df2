"""The collections of programmes (their donors, consortium, network and participating communities;
the budget and the tranches for NGO users only), of their library, outputs, advocacy campaigns
and agreements."""

from typing import Any

from django.db.models import Model, Prefetch, Q
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from api.changes import Collection, Part, track, track_part
from api.renderers import FileRenderer
from api.schema import ErrorSerializer
from api.serializers import AudienceSerializer
from api.viewsets import ReadOnlyCollection
from communities.models import Community, PartnerOrganisation
from programmes.documents import EXTENSIONS
from programmes.filters import AgreementFilter, CampaignFilter, DeliverableFilter, DocumentFilter, ProgrammeFilter
from programmes.models import (
    Agreement,
    AgreementStatus,
    Campaign,
    ConsortiumMember,
    Deliverable,
    Document,
    DocumentAccess,
    Funding,
    Milestone,
    NetworkMembership,
    Participation,
    Programme,
    Tranche,
)
from programmes.selectors import (
    visible_agreements,
    visible_campaigns,
    visible_deliverables,
    visible_document_ids,
    visible_documents,
    visible_programmes,
)
from programmes.views import document_file_response

TIMESTAMPS = ("created_at", "updated_at")


class FundingSerializer(AudienceSerializer):
    name = serializers.CharField(source="donor.name", read_only=True)
    kind = serializers.CharField(source="donor.kind", read_only=True)
    country = serializers.CharField(source="donor.country", read_only=True)

    class Meta:
        model = Funding
        fields = ("donor", "name", "kind", "country", "instrument", "grant_reference", "amount")
        partner_fields = ("donor", "name", "kind", "country", "instrument", "grant_reference")


class ConsortiumMemberSerializer(AudienceSerializer):
    class Meta:
        model = ConsortiumMember
        fields = ("partner", "role", "joined_on", "left_on")
        partner_fields = fields


class NetworkMembershipSerializer(AudienceSerializer):
    class Meta:
        model = NetworkMembership
        fields = ("network", "partner", "joined_on", "left_on")
        partner_fields = fields


class ParticipationSerializer(AudienceSerializer):
    class Meta:
        model = Participation
        fields = ("community", "joined_on", "left_on")
        partner_fields = fields


class TrancheSerializer(AudienceSerializer):
    class Meta:
        model = Tranche
        fields = ("amount", "expected_on", "received_on", "condition")
        partner_fields = ()


class ProgrammeSerializer(AudienceSerializer):
    countries = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Country codes (UA, CZ, KZ, KG, UZ)."
    )
    donors = FundingSerializer(source="fundings", many=True, read_only=True)
    consortium = ConsortiumMemberSerializer(many=True, read_only=True)
    network = NetworkMembershipSerializer(
        many=True, read_only=True, help_text="Partner organisations in the programme's coalition or network."
    )
    participations = ParticipationSerializer(
        many=True, read_only=True, help_text="The communities taking part, with their periods (left_on null: still)."
    )
    tranches = TrancheSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = (
            "id",
            "code",
            "name",
            "name_en",
            "implementing_organisation",
            "starts_on",
            "ends_on",
            "countries",
            "currency",
            "status",
            "donors",
            "consortium",
            "network",
            "participations",
            "budget",
            "tranches",
            *TIMESTAMPS,
        )
        # Budget and tranches are the NGO's finances, not partners' business.
        partner_fields = tuple(name for name in fields if name not in ("budget", "tranches"))


class ProgrammeViewSet(ReadOnlyCollection):
    """Funded programmes with their donors, consortium and participating communities."""

    selector = visible_programmes
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter

    def optimise(self, queryset):
        return queryset.prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.select_related("donor").order_by("pk")),
            Prefetch("consortium", queryset=ConsortiumMember.objects.order_by("pk")),
            Prefetch("network", queryset=NetworkMembership.objects.order_by("pk")),
            Prefetch("participations", queryset=Participation.objects.order_by("pk")),
            Prefetch("tranches", queryset=Tranche.objects.order_by("expected_on", "pk")),
        )


class DocumentSerializer(AudienceSerializer):
    """A document of a programme's library: a file (fetched through ``file_url``) or a link."""

    file_url = serializers.SerializerMethodField(
        help_text="The path of the file in the API (/api/v1/documents/<id>/file/); null for a link."
    )

    class Meta:
        model = Document
        fields = (
            "id",
            "programme",
            "title",
            "kind",
            "language",
            "communities",
            "access",
            "link",
            "file_url",
            "content_type",
            "size",
            "sha256",
            *TIMESTAMPS,
        )
        partner_fields = fields

    def get_file_url(self, document: Document) -> str | None:
        # A path, not an absolute URL: the change feed and webhooks show records outside the
        # caller's request, and a partner's copy should not depend on the host it was read from.
        # Django's reverse, not DRF's: DRF's would carry the request's ?format=csv into the link.
        return reverse("api:documents-file", kwargs={"pk": document.pk}) if document.file else None


class DocumentViewSet(ReadOnlyCollection):
    """The programmes' document library: files and links, each seen by staff, by the partner
    organisations of its programme, or by everyone who sees the programme (its access)."""

    selector = visible_documents
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter

    def optimise(self, queryset):
        return queryset.prefetch_related("communities")

    @extend_schema(
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file, of its content_type, as an attachment."
                )
                for content_type in EXTENSIONS
            },
            (404, "application/json"): OpenApiResponse(
                ErrorSerializer, description="No such document for you, or it is a link."
            ),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="file", renderer_classes=[FileRenderer, JSONRenderer])
    def file(self, request, *args, **kwargs):
        """The document's file, for those who see the document."""
        return document_file_response(self.get_object())


LINKED_DOCUMENT_HELP = "The id of its document in the library (documents/<id>/), or null: none, or not one you may see."


def shown_document_field() -> serializers.IntegerField:
    # Set on each row by LinkedDocumentCollection.attach: the document, if the caller sees it.
    return serializers.IntegerField(source="shown_document_id", allow_null=True, help_text=LINKED_DOCUMENT_HELP)


class LinkedDocumentCollection(ReadOnlyCollection):
    """A collection whose records may link a library document: the link is shown only to those
    who see the document (``visible_documents``), otherwise null."""

    def attach(self, rows: list[Any]) -> list[Any]:
        shown = visible_document_ids(self.viewer, [row.document_id for row in rows])
        for row in rows:
            row.shown_document_id = row.document_id if row.document_id in shown else None
        return rows


class DeliverableSerializer(AudienceSerializer):
    """An output of a programme: a publication, an online course, a study, a map, a video."""

    document = shown_document_field()

    class Meta:
        model = Deliverable
        fields = (
            "id",
            "programme",
            "kind",
            "title",
            "date",
            "quantity",
            "link",
            "document",
            "status",
            "description",
            *TIMESTAMPS,
        )
        partner_fields = fields


class DeliverableViewSet(LinkedDocumentCollection):
    """The outputs register: publications with their print runs, online courses with their
    enrolments, studies, maps, videos."""

    selector = visible_deliverables
    serializer_class = DeliverableSerializer
    filterset_class = DeliverableFilter


class MilestoneSerializer(AudienceSerializer):
    class Meta:
        model = Milestone
        fields = ("id", "title", "due_on", "done_on", "status")
        partner_fields = fields


class CampaignSerializer(AudienceSerializer):
    """An advocacy campaign with its milestones and the ids of the events and media mentions
    that were part of it."""

    milestones = MilestoneSerializer(many=True, read_only=True)
    events = serializers.PrimaryKeyRelatedField(  # type: ignore[var-annotated]
        many=True, read_only=True, help_text="The ids of its outreach events (events/<id>/)."
    )
    media_mentions = serializers.PrimaryKeyRelatedField(  # type: ignore[var-annotated]
        many=True, read_only=True, help_text="The ids of its media mentions (media-mentions/<id>/)."
    )

    class Meta:
        model = Campaign
        fields = (
            "id",
            "programme",
            "title",
            "goal",
            "target_bodies",
            "starts_on",
            "ends_on",
            "status",
            "result",
            "milestones",
            "events",
            "media_mentions",
            *TIMESTAMPS,
        )
        partner_fields = fields


def ids_only(relation: str) -> Prefetch:
    """A reverse relation of campaigns to a higher app's records (events, media mentions), read
    for their ids alone; named by its relation, as this app may not import theirs."""
    model: type[Model] = Campaign._meta.get_field(relation).related_model  # type: ignore[assignment]
    return Prefetch(relation, queryset=model._default_manager.only("pk", "campaign_id").order_by("pk"))


class CampaignViewSet(ReadOnlyCollection):
    """Advocacy campaigns: goal, target bodies, milestones, result, linked events and mentions."""

    selector = visible_campaigns
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def optimise(self, queryset):
        return queryset.prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            ids_only("events"),
            ids_only("media_mentions"),
        )


class AgreementSerializer(AudienceSerializer):
    """A memorandum or agreement with its parties (communities and partner organisations)."""

    status = serializers.ChoiceField(
        choices=AgreementStatus.choices, read_only=True, help_text="In force today, or expired (valid_until passed)."
    )
    document = shown_document_field()

    class Meta:
        model = Agreement
        fields = (
            "id",
            "programme",
            "kind",
            "title",
            "communities",
            "partners",
            "signed_on",
            "valid_until",
            "status",
            "document",
            *TIMESTAMPS,
        )
        partner_fields = fields


class AgreementViewSet(LinkedDocumentCollection):
    """Memoranda and agreements of programmes with communities and partner organisations."""

    selector = visible_agreements
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    def optimise(self, queryset):
        return queryset.prefetch_related(
            Prefetch("communities", queryset=Community.objects.only("pk").order_by("pk")),
            Prefetch("partners", queryset=PartnerOrganisation.objects.only("pk").order_by("pk")),
        )


# Seen by those who see its programme: the communities taking part and the consortium members.
PROGRAMME_COMMUNITIES = ("programme__participations__community",)
PROGRAMME_CONSORTIUM = ("programme__consortium__partner",)


def track_changes() -> None:
    """Log the collection for the change feed (``api.changes``). A programme belongs to the
    communities taking part in it, and is seen by the members of its consortium whatever their
    communities; its funding, tranches, consortium and participations are part of it."""
    track(
        Collection(
            "programmes",
            Programme,
            ProgrammeViewSet,
            communities=("participations__community",),
            partners=("consortium__partner",),
        )
    )
    track_part(Part(Participation, parent="programme", communities=("community",)))
    track_part(Part(ConsortiumMember, parent="programme", communities=(), partners=("partner",)))
    track_part(Part(NetworkMembership, parent="programme", communities=()))
    track_part(Part(Funding, parent="programme", communities=()))
    track_part(Part(Tranche, parent="programme", communities=()))
    # A document is seen through its programme: by the communities taking part and the members
    # of its consortium; a staff-only one by staff alone (a negotiator reads a partners' one as
    # gone, by id).
    track(
        Collection(
            "documents",
            Document,
            DocumentViewSet,
            communities=("programme__participations__community",),
            partners=("programme__consortium__partner",),
            staff_only=Q(access=DocumentAccess.STAFF),
        )
    )
    track(
        Collection(
            "deliverables",
            Deliverable,
            DeliverableViewSet,
            communities=PROGRAMME_COMMUNITIES,
            partners=PROGRAMME_CONSORTIUM,
        )
    )
    # Negotiators see no campaign: they read a campaign's change in their community as gone.
    track(
        Collection(
            "campaigns", Campaign, CampaignViewSet, communities=PROGRAMME_COMMUNITIES, partners=PROGRAMME_CONSORTIUM
        )
    )
    track_part(Part(Milestone, parent="campaign", communities=()))
    # An agreement is seen by its parties (and the partners covering its communities) and by
    # the consortium of its programme.
    track(
        Collection(
            "agreements",
            Agreement,
            AgreementViewSet,
            communities=("communities",),
            partners=("partners", "programme__consortium__partner"),
        )
    )
