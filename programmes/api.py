"""The collection of programmes: their donors, consortium and participating communities; the
budget and the tranches for NGO users only."""

from django.db.models import Prefetch, Q
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
from programmes.documents import EXTENSIONS
from programmes.filters import DocumentFilter, ProgrammeFilter
from programmes.models import (
    ConsortiumMember,
    Document,
    DocumentAccess,
    Funding,
    Participation,
    Programme,
    Tranche,
)
from programmes.selectors import visible_documents, visible_programmes
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
