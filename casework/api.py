"""The API's collections of cases (``cases/``) and referrals (``referrals/``), for the case team only.

Who works cases (staff who read personal data: every case; a case worker, a volunteer or a
negotiator: the cases they work or supervise, :mod:`casework.selectors`) reads them here; for
anyone else (partner organisations, programme managers, the data protection officer) the two
collections do not exist: every route answers 404, as an unknown URL would. Outside the case team
only aggregates leave, with small cells hidden (``indicators/``, ``reports.suppression``).

Nothing identifying comes out: a case is its pseudonymous code, never a name, a document or a
contact (``BeneficiaryIdentity`` has no serializer). Free text about the person (a case's summary,
a referral's reason and the agency's feedback, a contact's note) comes out only in one record, to
who reads the case (:func:`casework.selectors.reads_identity`), and each such opening is logged
(``privacy.viewlog``); lists show none, so that a page of a hundred cases is not a hundred
openings. Writes go through ``casework.services`` with the idempotent machinery of
every write (``Idempotency-Key``, :meth:`api.viewsets.ScopedViewSet.respond_once`).

These collections are not in the change feed (``changes/``), which is built per community and per
partner organisation while a case is seen per person: the case team syncs with ``updated_since``.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action

from access.capabilities import CAPABILITIES, Capability
from api.principal import Audience, viewer_for
from api.schema import ApiAutoSchema
from api.serializers import AudienceSerializer, CommunityNameField, RegionIdField
from api.viewsets import ReadOnlyCollection, stable_order, with_community
from casework.filters import CaseFilter, ReferralFilter
from casework.models import (
    Agency,
    Beneficiary,
    Case,
    CaseContact,
    ContactKind,
    Referral,
    ReferralStatus,
)
from casework.selectors import reads_identity, visible_beneficiaries, visible_cases, visible_referrals, works_cases
from casework.services import case_open, contact_log, referral_create, referral_move
from incidents.models import Incident
from incidents.selectors import visible_incidents
from privacy.models import ViewChannel
from privacy.viewlog import record_view
from programmes.models import Programme
from programmes.selectors import visible_programmes

TIMESTAMPS = ("created_at", "updated_at")
# A case's row shows its person's code: the person's other columns are not loaded.
PERSON_UNSHOWN = tuple(
    f"beneficiary__{field.name}"
    for field in Beneficiary._meta.concrete_fields
    if field.name not in ("id", "code", "community")
)
TODAY_HELP = "Default: today. Not in the future."


def _reader(context: Mapping[str, Any]) -> Any:
    return context.get("viewer")


def _readable(context: Mapping[str, Any], case: Case | None) -> bool:
    """Whether the free text about ``case``'s person may be shown: in one record (never in a list
    of them), to who reads the case (an incident's referral, with no case, to who sees it: the
    case team of its community)."""
    viewer = _reader(context)
    if viewer is None or not context.get("with_text"):
        return False
    return case is None or reads_identity(viewer, case)


class CaseSerializer(AudienceSerializer):
    code = serializers.CharField(
        source="beneficiary.code", read_only=True, help_text="The person's pseudonymous case code."
    )
    community_name = CommunityNameField()
    region = RegionIdField()
    summary = serializers.SerializerMethodField(
        help_text="Internal: in cases/<id>/ only (null in lists), to who reads the case; each showing is logged."
    )

    class Meta:
        model = Case
        fields = (
            "id",
            "code",
            "programme",
            "community",
            "community_name",
            "region",
            "status",
            "opened_on",
            "closed_on",
            "outcome",
            "case_worker",
            "supervisor",
            "origin_incident",
            "plan_approved_on",
            "closure_approved_on",
            "summary",
            *TIMESTAMPS,
        )
        # Partners never reach this collection; if one did, nothing would come out.
        partner_fields = ()

    def get_summary(self, case: Case) -> str | None:
        return case.summary if _readable(self.context, case) else None


class ContactSerializer(AudienceSerializer):
    note = serializers.SerializerMethodField(help_text="Only to who reads the case.")

    class Meta:
        model = CaseContact
        fields = ("id", "case", "kind", "happened_on", "note", "recorded_by", *TIMESTAMPS)
        partner_fields = ()

    def get_note(self, contact: CaseContact) -> str | None:
        return contact.note if _readable(self.context, contact.case) else None


class ReferralSerializer(AudienceSerializer):
    case_code = serializers.CharField(
        source="case.beneficiary.code",
        read_only=True,
        allow_null=True,
        help_text="The case's code (none for an incident's).",
    )
    community_name = CommunityNameField()
    region = RegionIdField()
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    agency_kind = serializers.CharField(source="agency.kind", read_only=True)
    reason = serializers.SerializerMethodField(
        help_text="In referrals/<id>/ only (null in lists), to who reads the case; each showing is logged."
    )
    feedback = serializers.SerializerMethodField(
        help_text="The agency's feedback, dated: in referrals/<id>/ only (null in lists), to who reads the case."
    )

    class Meta:
        model = Referral
        fields = (
            "id",
            "case",
            "case_code",
            "incident",
            "programme",
            "community",
            "community_name",
            "region",
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
            "recorded_by",
            *TIMESTAMPS,
        )
        partner_fields = ()

    def get_reason(self, referral: Referral) -> str | None:
        return referral.reason if _readable(self.context, referral.case) else None

    def get_feedback(self, referral: Referral) -> str | None:
        return referral.feedback if _readable(self.context, referral.case) else None


# --- input ----------------------------------------------------------------------------------------


def _case_workers() -> Any:
    """The users who may work or supervise a case (the service refuses anyone else by name: only
    they are offered, so that an id tells nothing of the other logins)."""
    roles = [role.value for role, capabilities in CAPABILITIES.items() if Capability.WORKS_CASES in capabilities]
    users = get_user_model().objects.filter(is_active=True, groups__name__in=roles)
    return get_user_model().objects.filter(pk__in=users.values("pk"))


class ViewerScopedSerializer(serializers.Serializer):
    """An input serializer whose related fields offer only what the caller sees."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.scope(viewer_for(request))

    def scope(self, viewer: Any) -> None:
        raise NotImplementedError

    def offer(self, name: str, queryset: Any) -> None:
        field: Any = self.fields[name]
        field.queryset = queryset


class CaseOpenSerializer(ViewerScopedSerializer):
    """A new case for a person already known to the caller (registering a person, with their
    identifying data and consent, is done in the portal, never through the API)."""

    beneficiary = serializers.PrimaryKeyRelatedField(
        queryset=Beneficiary.objects.none(), help_text="The person (its id): one whose case you work or worked."
    )
    opened_on = serializers.DateField(default=timezone.localdate, help_text=TODAY_HELP)
    case_worker = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(), allow_null=True, default=None, help_text="Default: you."
    )
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(), allow_null=True, default=None
    )
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.none(),
        allow_null=True,
        default=None,
        help_text="Default: the one the person's community takes part in on that date.",
    )
    summary = serializers.CharField(allow_blank=True, default="", help_text="Internal, encrypted at rest.")

    def scope(self, viewer: Any) -> None:
        self.offer("beneficiary", visible_beneficiaries(viewer).filter(anonymised_at__isnull=True))
        self.offer("case_worker", _case_workers())
        self.offer("supervisor", _case_workers())
        self.offer("programme", visible_programmes(viewer))


class ContactLogSerializer(serializers.Serializer):
    """A contact with the person, or an action taken for them."""

    kind = serializers.ChoiceField(choices=ContactKind.choices)
    happened_on = serializers.DateField(default=timezone.localdate, help_text=TODAY_HELP)
    note = serializers.CharField(allow_blank=True, default="", help_text="Internal, encrypted at rest.")


class ReferralCreateSerializer(ViewerScopedSerializer):
    """Refer a case (or an incident) to an agency; the referral starts as sent."""

    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), allow_null=True, default=None, help_text="The case (its id), or give incident."
    )
    incident = serializers.PrimaryKeyRelatedField(
        queryset=Incident.objects.none(), allow_null=True, default=None, help_text="The incident (its id)."
    )
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(active=True))
    sent_on = serializers.DateField(default=timezone.localdate, help_text=TODAY_HELP)
    reason = serializers.CharField(allow_blank=True, default="", help_text="Internal, encrypted at rest.")
    follow_up_on = serializers.DateField(allow_null=True, default=None, help_text="When to ask the agency again.")
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.none(),
        allow_null=True,
        default=None,
        help_text="Default: the one the community takes part in on that date.",
    )

    def scope(self, viewer: Any) -> None:
        self.offer("case", visible_cases(viewer))
        self.offer("incident", visible_incidents(viewer))
        self.offer("programme", visible_programmes(viewer))


class ReferralMoveSerializer(serializers.Serializer):
    """Move a referral along its life cycle: sent → accepted → in progress → completed or
    declined; no answer (which an answer may still follow)."""

    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    on = serializers.DateField(default=timezone.localdate, help_text=TODAY_HELP)
    feedback = serializers.CharField(
        allow_blank=True, default="", help_text="What the agency said; added, dated, to its feedback so far."
    )
    follow_up_on = serializers.DateField(allow_null=True, default=None, help_text="The next follow-up, if any.")


# --- the collections ------------------------------------------------------------------------------


class CaseTeamSchema(ApiAutoSchema):
    def _error_statuses(self) -> list[str]:
        # Every operation may answer 404: to anyone outside the case team.
        return sorted({*super()._error_statuses(), "404"})


class CaseTeamCollection(ReadOnlyCollection):
    """A collection only the case team reaches: for any other caller with a role, every route is
    404 (as for an unknown URL), never 403, so nothing tells that cases exist."""

    schema = CaseTeamSchema()
    write_capability = Capability.WORKS_CASES
    # The free-text fields whose showing is logged as an opening of personal data.
    text_fields: tuple[str, ...] = ()

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)
        viewer = self.viewer
        if viewer.is_authenticated and viewer.role is not None and not works_cases(viewer):
            raise exceptions.NotFound()
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not self.is_schema_view:
            # Whoever gets this far works cases: the case team, not an outside audience; which
            # free text each row shows is the serializer's per-row decision.
            context["audience"] = Audience.INTERNAL
            context["viewer"] = self.viewer
            # A list (the change feed's too) shows no free text: it is opened one record at a
            # time, and logged.
            context["with_text"] = self.action != "list"
        return context

    def attach(self, rows: list[Any]) -> list[Any]:
        if getattr(self, "action", None) == "retrieve":
            self.log_openings(rows)
        return rows

    def without_text(self, queryset: Any) -> Any:
        """A list does not show the free text: not even decrypted."""
        return queryset.defer(*self.text_fields) if getattr(self, "action", None) == "list" else queryset

    def case_of(self, row: Any) -> Case | None:
        return row if isinstance(row, Case) else row.case

    def log_openings(self, rows: Iterable[Model]) -> None:
        """Log, once for the request, the rows whose free text about a person is shown."""
        context = {"viewer": self.viewer, "with_text": True}
        shown = [
            row
            for row in rows
            if _readable(context, self.case_of(row)) and any(getattr(row, name) for name in self.text_fields)
        ]
        if shown:
            record_view(self.viewer.user, shown, ViewChannel.API, self.request)

    def _read(self, serializer_class: Any, instance: Any, **kwargs: Any) -> Any:
        return serializer_class(instance, context=self.get_serializer_context(), **kwargs).data


class CaseViewSet(CaseTeamCollection):
    """Individual cases, by their code: the caller's own (as case worker or supervisor), or every
    case for staff who read personal data. No name, document or contact ever comes out.
    ``contacts/`` lists a case's contacts and logs a new one."""

    selector = visible_cases
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    paginated_actions = ("list", "contacts")
    text_fields = ("summary",)

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return CaseOpenSerializer
        if self.action == "contacts":
            return ContactLogSerializer if self.request.method == "POST" else ContactSerializer
        return CaseSerializer

    def optimise(self, queryset: Any) -> Any:
        # Only what the rows show: the person's code and the community's name (not the case
        # worker's or the programme's rows, which the selector joins for the pages).
        cases = with_community(queryset.select_related(None)).select_related("beneficiary").defer(*PERSON_UNSHOWN)
        return self.without_text(cases)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Open a case for a person whose case you work or worked (staff: anyone's)."""

        def write(data: dict[str, Any]) -> tuple[int, object]:
            user = self.viewer.user
            beneficiary = data["beneficiary"]
            case = case_open(
                beneficiary=beneficiary,
                community=beneficiary.community,
                case_worker=data["case_worker"] or user,
                supervisor=data["supervisor"],
                opened_on=data["opened_on"],
                programme=data["programme"],
                summary=data["summary"],
                by=user,
            )
            return 201, self._read(CaseSerializer, case)

        return self.respond_once(request, write)

    @extend_schema(methods=["GET"], responses=ContactSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=ContactLogSerializer, responses={201: ContactSerializer})
    @action(detail=True, methods=["get", "post"])
    def contacts(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The case's contacts and actions, latest first (GET), or log one (POST)."""
        case = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(stable_order(case.contacts.select_related("case")))
            shown = [contact for contact in page or [] if contact.note]
            if shown and _readable({"viewer": self.viewer, "with_text": True}, case):
                record_view(self.viewer.user, shown, ViewChannel.API, request)
            return self.get_paginated_response(self._read(ContactSerializer, page, many=True))

        def write(data: dict[str, Any]) -> tuple[int, object]:
            contact = contact_log(case, by=self.viewer.user, **data)
            return 201, self._read(ContactSerializer, contact)

        return self.respond_once(request, write)


class ReferralViewSet(CaseTeamCollection):
    """Referrals of cases (and of incidents) to agencies, followed to the end: the caller's cases'
    (and their community's incidents'), or all for staff who read personal data. ``move/`` moves
    one along its life cycle with the agency's feedback."""

    selector = visible_referrals
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    text_fields = ("reason", "feedback")

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return ReferralCreateSerializer
        if self.action == "move":
            return ReferralMoveSerializer
        return ReferralSerializer

    def optimise(self, queryset: Any) -> Any:
        return self.without_text(
            with_community(queryset.select_related(None)).select_related("agency", "case__beneficiary")
        )

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        def write(data: dict[str, Any]) -> tuple[int, object]:
            referral = referral_create(by=self.viewer.user, **data)
            return 201, self._read(ReferralSerializer, referral)

        return self.respond_once(request, write)

    @extend_schema(request=ReferralMoveSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Move the referral to another status on a date, with what the agency said."""
        referral = self.get_object()

        def write(data: dict[str, Any]) -> tuple[int, object]:
            moved = referral_move(
                referral,
                data["status"],
                on=data["on"],
                feedback=data["feedback"],
                follow_up_on=data["follow_up_on"],
                by=self.viewer.user,
            )
            return 200, self._read(ReferralSerializer, moved)

        return self.respond_once(request, write)
