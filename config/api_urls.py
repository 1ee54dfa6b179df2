"""The API's URLs, version 1, mounted at ``/api/v1/`` by ``config/urls.py``.

``COLLECTIONS`` is the contract partners' scripts rely on: adding a collection is one line here
(its viewset lives in the owning app's ``api.py``); the permission-matrix and personal-data tests
read this table, so a new line without its rows there fails the suite.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

import api.schema  # noqa: F401  (registers the Bearer scheme with drf-spectacular)
from api.views import UnknownApiUrl
from casework import api as casework_api
from casework import incident_api
from communities import api as communities_api
from negotiators import api as negotiators_api
from planning import api as planning_api
from programmes import api as programmes_api
from reports import api as reports_api
from support import api as support_api
from sync.api import ChangeFeed
from training import api as training_api

# (URL prefix, viewset, basename)
COLLECTIONS = [
    ("regions", communities_api.RegionViewSet, "regions"),
    ("communities", communities_api.CommunityViewSet, "communities"),
    ("partners", communities_api.PartnerOrganisationViewSet, "partners"),
    ("programmes", programmes_api.ProgrammeViewSet, "programmes"),
    ("documents", programmes_api.DocumentViewSet, "documents"),
    ("deliverables", programmes_api.DeliverableViewSet, "deliverables"),
    ("campaigns", programmes_api.CampaignViewSet, "campaigns"),
    ("agreements", programmes_api.AgreementViewSet, "agreements"),
    ("negotiators", negotiators_api.NegotiatorViewSet, "negotiators"),
    ("training/modules", training_api.TrainingModuleViewSet, "training-modules"),
    ("training/sessions", training_api.TrainingSessionViewSet, "training-sessions"),
    ("events", negotiators_api.OutreachEventViewSet, "events"),
    # incidents' own viewset, with their referrals (casework is the layer above incidents).
    ("incidents", incident_api.IncidentViewSet, "incidents"),
    ("assessments", communities_api.SafetyAssessmentViewSet, "assessments"),
    ("engagements", support_api.EngagementViewSet, "engagements"),
    ("media-mentions", negotiators_api.MediaMentionViewSet, "media-mentions"),
    ("analyses", planning_api.AnalysisViewSet, "analyses"),
    ("plans", planning_api.PlanViewSet, "plans"),
    ("initiatives", planning_api.InitiativeViewSet, "initiatives"),
    ("regulations", planning_api.RegulationViewSet, "regulations"),
    # The case team's only: for anyone else every route of these two is 404.
    ("cases", casework_api.CaseViewSet, "cases"),
    ("referrals", casework_api.ReferralViewSet, "referrals"),
    ("indicators", reports_api.IndicatorsViewSet, "indicators"),
    ("results", reports_api.ResultsViewSet, "results"),
    ("reports", reports_api.MonitoringReportViewSet, "reports"),
]

router = SimpleRouter()
for prefix, viewset, basename in COLLECTIONS:
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from ?script, not inline: no nonce needed.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Not a collection of records: what changed in all of them (docs/api.md#the-change-feed).
    path("changes/", ChangeFeed.as_view(), name="changes"),
    *router.urls,
    # Last: anything else under /api/v1/ is a 404 in the API's error shape.
    re_path(r"^.*$", UnknownApiUrl.as_view(), name="unknown"),
]
