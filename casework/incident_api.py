"""The API's incidents with their referrals: ``incidents/{id}/referrals/`` lists the incident's
referrals (GET) and refers it to an agency of the directory (POST; the incident stays open).

``incidents`` cannot know referrals (it is a layer below), so its viewset is extended here and
``config/api_urls.py`` serves this one, as it does ``support.api``'s engagements. Only those who
work cases see referrals (a negotiator of the incident's community, staff): partners and
programme managers read the incident, and for them the referrals are "not found".
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.changes import Collection, track
from api.serializers import AudienceSerializer
from api.viewsets import stable_order
from casework.incident_referrals import incident_refer
from casework.models import Agency, Referral
from casework.selectors import visible_referrals, works_cases
from incidents.api import IncidentViewSet as BaseIncidentViewSet
from incidents.models import Incident


class IncidentReferralSerializer(AudienceSerializer):
    """A referral of the incident: the agency, its status and dates, the reason and the agency's
    feedback (internal: only those who work cases read it)."""

    agency_name = serializers.CharField(source="agency.name", read_only=True)
    agency_kind = serializers.CharField(source="agency.kind", read_only=True)

    class Meta:
        model = Referral
        fields = (
            "id",
            "incident",
            "agency",
            "agency_name",
            "agency_kind",
            "status",
            "sent_on",
            "accepted_on",
            "completed_on",
            "follow_up_on",
            "reason",
            "feedback",
            "created_at",
            "updated_at",
        )
        # Partners never reach a referral (404); named for the serializer's contract.
        partner_fields = ()


class IncidentReferSerializer(serializers.Serializer):
    """Refer the incident to an agency of the directory, in the incident's country."""

    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(active=True))
    sent_on = serializers.DateField(default=timezone.localdate, help_text="Default: today. Not in the future.")
    reason = serializers.CharField(allow_blank=True, default="", help_text="Internal: kept encrypted.")
    follow_up_on = serializers.DateField(
        allow_null=True, default=None, help_text="When to ask the agency what became of it."
    )


class IncidentViewSet(BaseIncidentViewSet):
    __doc__ = BaseIncidentViewSet.__doc__
    paginated_actions = (*BaseIncidentViewSet.paginated_actions, "referrals")

    def get_serializer_class(self) -> Any:
        if self.action == "referrals":
            return IncidentReferSerializer if self.request.method == "POST" else IncidentReferralSerializer
        return super().get_serializer_class()

    @extend_schema(methods=["GET"], responses=IncidentReferralSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=IncidentReferSerializer, responses={201: IncidentReferralSerializer})
    @action(detail=True, methods=["get", "post"])
    def referrals(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The incident's referrals (GET), or refer it to an agency (POST): the incident keeps its
        status and stays open while the agency works on it."""
        incident = self.get_object()
        if not works_cases(self.viewer):
            raise NotFound
        if request.method == "GET":
            rows = visible_referrals(self.viewer).filter(incident=incident)
            page = self.paginate_queryset(stable_order(rows))
            return self.get_paginated_response(self._read(IncidentReferralSerializer, page, many=True))

        def write(data: dict[str, Any]) -> tuple[int, object]:
            referral = incident_refer(incident=incident, by=self.viewer.user, **data)
            return 201, self._read(IncidentReferralSerializer, referral)

        return self.respond_once(request, write)


def track_changes() -> None:
    """The incidents' collection is this subclass from now on: the change feed renders its records
    with the viewset the API serves them with."""
    track(Collection("incidents", Incident, IncidentViewSet))
