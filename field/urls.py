"""The field app, mounted at ``/field/`` with the ``field`` namespace: its shell from here, the
pages of events, incidents (their referrals from casework), training, safety planning and case
work from their own apps."""

from django.urls import path

from casework import incident_views as incident_referrals
from casework import views as casework
from field import views
from incidents import views as incidents
from negotiators import views as events
from photos import views as photos
from planning import views as planning
from training import views as training

app_name = "field"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("offline/", views.offline, name="offline"),
    path("session/", views.session, name="session"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("events/new/", events.event_new, name="event_new"),
    path("events/quick/", events.event_quick, name="event_quick"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/photos/", photos.event_photo_add, name="event_photo_add"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/status/", incidents.incident_status, name="incident_status"),
    path("incidents/<int:pk>/actions/", incidents.incident_action, name="incident_action"),
    path("incidents/<int:pk>/referrals/", incident_referrals.incident_referral, name="incident_referral"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident_edit"),
    path(
        "incidents/<int:incident_pk>/actions/<int:pk>/edit/",
        incidents.incident_action_edit,
        name="incident_action_edit",
    ),
    path("incidents/<int:pk>/photos/", photos.incident_photo_add, name="incident_photo_add"),
    path("photos/<int:pk>/", photos.photo_file, name="photo"),
    path("photos/<int:pk>/small/", photos.photo_thumbnail, name="photo_thumbnail"),
    path("training/", training.training_progress, name="training"),
    path("planning/", planning.community_planning, name="planning"),
    path("cases/", casework.case_list, name="case_list"),
    path("cases/contact/", casework.contact_new, name="contact_new"),
    path("cases/<int:pk>/", casework.case_detail, name="case_detail"),
    path("cases/<int:pk>/person/", casework.case_person, name="case_person"),
    path("cases/<int:pk>/referrals/new/", casework.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", casework.referral_detail, name="referral_detail"),
    path("actions/<int:pk>/done/", casework.action_mark_done, name="action_done"),
    path("tasks/", casework.field_tasks, name="tasks"),
]
