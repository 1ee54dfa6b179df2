"""The field app's incident pages (``/field/incidents/``): report a case, follow it, move it along
its workflow and log what was done. Writes go through ``incidents.services``, reads through
``incidents.selectors`` (a case of another community is "not found")."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access.capabilities import Capability
from api.headers import permissions_policy
from incidents.forms import (
    ActionCorrectionForm,
    ActionForm,
    IncidentCorrectionForm,
    IncidentForm,
    PartyFormSet,
    TransitionForm,
    incident_values,
)
from incidents.models import CLOSED_STATUSES, TRANSITIONS, Incident, IncidentAction, IncidentStatus
from incidents.selectors import visible_incident_actions, visible_incidents
from incidents.services import (
    action_correctable,
    incident_action_add,
    incident_action_correct,
    incident_correct,
    incident_report,
    incident_transition,
)
from negotiators.corrections import correction, correction_page, record_values, refused
from negotiators.field import (
    FormRejected,
    apply_errors,
    field_view,
    form_parts,
    new_idempotency_key,
    private_page,
    read_only_response,
    save_form_parts,
    submit,
)
from privacy.models import ViewChannel
from privacy.viewlog import record_view

PAGE_SIZE = 30

# What apps above this one add to a case's page (casework: its referrals). Each is called with the
# request, the incident and whether the user may write in its community, and returns the context
# its part of the page (in field/incident_detail.html) needs; apps register in their ``ready()``.
PAGE_SECTIONS: list[Callable[[HttpRequest, Incident, bool], dict[str, Any]]] = []


@field_view
def incident_list(request):
    incidents = visible_incidents(request.field.viewer).select_related("community")
    show_closed = request.GET.get("closed") == "1"
    if not show_closed:
        incidents = incidents.exclude(status__in=CLOSED_STATUSES)
    return render(request, "field/incident_list.html", {"incidents": incidents[:PAGE_SIZE], "show_closed": show_closed})


@field_view
@require_http_methods(["GET", "POST"])
def incident_new(request):
    access = request.field
    if not access.can_write:
        return read_only_response(request)
    if request.method == "POST":
        form = IncidentForm(request.POST, access=access)
        parties = PartyFormSet(request.POST, prefix="party")
        parts = form_parts(request, "incident")

        def write():
            forms_valid = form.is_valid()
            parts_valid = all(part.is_valid() for part in parts.values())
            if not (parties.is_valid() and forms_valid and parts_valid):
                raise FormRejected
            try:
                incident = incident_report(
                    actor=request.user,
                    parties=[party for party in (f.party() for f in parties.forms) if party],
                    **form.service_kwargs(),
                )
            except ValidationError as error:
                apply_errors(form, error)
                raise FormRejected from error
            save_form_parts(parts, incident, request.user)
            request.session["field_community"] = incident.community_id
            message = _("Incident “%(title)s” reported.") % {"title": incident.display_title}
            url = reverse("field:incident_detail", args=[incident.pk])
            return 201, {"id": incident.pk, "url": url, "message": message}

        def rejected(status, message):
            return render_incident_form(request, form, parties, parts, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form, parties, *parts.values()])
    community = request.GET.get("community") or request.session.get("field_community")
    form = IncidentForm(access=access, community=community)
    return render_incident_form(request, form, PartyFormSet(prefix="party"), form_parts(request, "incident"))


def render_incident_form(request, form, parties, parts=None, *, status=200, message="", edit=None):
    context = {
        "form": form,
        "parties": parties,
        "form_parts": parts or {},
        "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
        "message": message,
        "edit": edit,
    }
    response = render(request, "field/incident_form.html", context, status=status)
    # "Use my location" (field/_location.html): this page alone may ask for the position.
    response["Permissions-Policy"] = permissions_policy(own_origin=("geolocation",))
    return response


def scoped_incident(request, pk):
    queryset = visible_incidents(request.field.viewer).select_related("community", "negotiator__contact")
    return get_object_or_404(queryset, pk=pk)


@private_page  # its parties' names and phones: never kept on the phone
@field_view
def incident_detail(request, pk):
    incident = scoped_incident(request, pk)
    return render_incident_page(request, incident)


def contacts_shown(incident):
    negotiator = incident.negotiator
    return [negotiator.contact] if negotiator is not None and hasattr(negotiator, "contact") else []


def render_incident_page(request, incident, *, transition=None, action=None, status=200, message="", extra=None):
    """The case's page; ``extra`` replaces parts of the sections' context (a form sent back with
    its errors)."""
    can_write = request.field.writable.filter(pk=incident.community_id).exists()
    # Parties and the negotiator's name are personal data: shown (and logged) only to those who
    # read it; a programme manager sees the case without them.
    reads_personal = request.field.viewer.can(Capability.READS_PERSONAL_DATA)
    parties = list(incident.parties.all()) if reads_personal else []
    shown = [*parties, *contacts_shown(incident)] if reads_personal else []
    record_view(request.user, shown, ViewChannel.FIELD, request)
    actions = list(visible_incident_actions(request.field.viewer).filter(incident=incident).select_related("actor"))
    for logged in actions:
        logged.correction = action_correction(request, logged) if action_correctable(logged) else None
    context = {
        "incident": incident,
        "correction": incident_correction(request, incident),
        "actions": actions,
        "parties": parties,
        "reads_personal": reads_personal,
        "can_write": can_write,
        "message": message,
        "transition_key": new_idempotency_key(),
        "action_key": new_idempotency_key(),
    }
    if can_write:
        context["transition"] = transition or TransitionForm(incident=incident)
        context["action"] = action or ActionForm()
    for section in PAGE_SECTIONS:
        context.update(section(request, incident, can_write))
    context.update(extra or {})
    context["next_step"] = next_step(incident, context.get("referrals"))
    return render(request, "field/incident_detail.html", context, status=status)


def next_step(incident, referrals) -> dict[str, Any]:
    """What the case needs next, at the top of its page: the follow-up of a referral the agency
    has not finished (the soonest first), else the statuses it may move to."""
    due = sorted((r for r in referrals or () if r.follow_up_on and not r.completed_on), key=lambda r: r.follow_up_on)
    if due:
        referral = due[0]
        text = _("Follow up the referral to %(agency)s by %(date)s.") % {
            "agency": referral.agency.name,
            "date": date_format(referral.follow_up_on, "SHORT_DATE_FORMAT"),
        }
        return {"text": text, "late": referral.follow_up_on < timezone.localdate()}
    moves = [IncidentStatus(status).label for status in TRANSITIONS.get(incident.status, ())]
    if incident.status in CLOSED_STATUSES:
        return {"text": _("The case is closed; it can be reopened if needed."), "late": False}
    return {"text": _("Move the case on: %(statuses)s.") % {"statuses": " / ".join(map(str, moves))}, "late": False}


@private_page
@field_view
@require_POST
def incident_status(request, pk):
    """Move the case to another status (only along the workflow)."""
    incident = scoped_incident(request, pk)
    if not request.field.writable.filter(pk=incident.community_id).exists():
        return read_only_response(request)
    form = TransitionForm(request.POST, incident=incident)

    def write():
        if not form.is_valid():
            raise FormRejected
        data = form.cleaned_data
        try:
            moved = incident_transition(
                incident=incident,
                to_status=data["to_status"],
                actor=request.user,
                note=data["note"],
                response_mode=data["response_mode"],
            )
        except ValidationError as error:
            apply_errors(form, error)
            raise FormRejected from error
        message = _("The case is now “%(status)s”.") % {"status": IncidentStatus(moved.status).label}
        return 200, {"id": moved.pk, "url": reverse("field:incident_detail", args=[moved.pk]), "message": message}

    def rejected(status, message):
        return render_incident_page(request, incident, transition=form, status=status, message=message)

    return submit(request, write=write, rejected=rejected, forms=[form])


@private_page
@field_view
@require_POST
def incident_action(request, pk):
    """Log what was done on the case (a meeting, a call, a follow-up) without changing its status."""
    incident = scoped_incident(request, pk)
    if not request.field.writable.filter(pk=incident.community_id).exists():
        return read_only_response(request)
    form = ActionForm(request.POST)

    def write():
        if not form.is_valid():
            raise FormRejected
        data = form.cleaned_data
        # Left at the form's "now" (to the minute): log the exact moment, so the action sorts
        # after what happened earlier within that minute.
        performed_at = data["performed_at"]
        if performed_at == timezone.localtime().replace(second=0, microsecond=0):
            performed_at = None
        try:
            action = incident_action_add(
                incident=incident,
                kind=data["kind"],
                actor=request.user,
                description=data["description"],
                performed_at=performed_at,
            )
        except ValidationError as error:
            apply_errors(form, error)
            raise FormRejected from error
        message = _("“%(kind)s” added to the case.") % {"kind": action.get_kind_display()}
        return 201, {"id": action.pk, "url": reverse("field:incident_detail", args=[pk]), "message": message}

    def rejected(status, message):
        return render_incident_page(request, incident, action=form, status=status, message=message)

    return submit(request, write=write, rejected=rejected, forms=[form])


# --- correcting what was sent (negotiators.corrections) ------------------------------------------


def incident_correction(request, incident: Incident):
    sent = incident.created_by_id is not None and incident.created_by_id == request.user.pk
    return correction(request.field.viewer, created_at=incident.created_at, sent_by_viewer=sent)


def action_correction(request, action: IncidentAction):
    sent = action.actor_id is not None and action.actor_id == request.user.pk
    return correction(request.field.viewer, created_at=action.created_at, sent_by_viewer=sent)


@private_page  # what happened, where: never kept on the phone, like the case's page
@field_view
@require_http_methods(["GET", "POST"])
def incident_edit(request, pk):
    """Correct a case's description after reporting it: its reporter within ``FIELD_EDIT_DAYS``,
    staff always; a stale version is a 409 with both versions."""
    incident = scoped_incident(request, pk)
    if not request.field.logs_records:
        return read_only_response(request)
    allowed = incident_correction(request, incident)
    if not allowed.allowed:
        return refused(request, allowed.message)

    def current(form, lock):
        nonlocal incident
        if lock:
            incident = Incident.objects.select_for_update().get(pk=incident.pk)
        return incident_values(form, incident)

    def correct(changes):
        corrected = incident_correct(incident=incident, actor=request.user, changes=changes)
        return corrected.pk, _("Incident “%(title)s” corrected.") % {"title": corrected.display_title}

    return correction_page(
        request,
        allowed,
        url=reverse("field:incident_detail", args=[incident.pk]),
        form=lambda **data: IncidentCorrectionForm(access=request.field, incident=incident, **data),
        current=current,
        correct=correct,
        render_form=lambda form, status, message, edit: render_incident_form(
            request, form, None, status=status, message=message, edit=edit
        ),
    )


@private_page
@field_view
@require_http_methods(["GET", "POST"])
def incident_action_edit(request, incident_pk, pk):
    """Correct an action logged by hand on a case: whoever logged it within ``FIELD_EDIT_DAYS``,
    staff always. The workflow's own entries (reported, status changes, referrals) are not."""
    incident = scoped_incident(request, incident_pk)
    action = get_object_or_404(visible_incident_actions(request.field.viewer).filter(incident=incident), pk=pk)
    if not request.field.logs_records:
        return read_only_response(request)
    if not action_correctable(action):
        return refused(
            request, _("Entries the workflow writes (reporting, status changes, referrals) cannot be corrected.")
        )
    allowed = action_correction(request, action)
    if not allowed.allowed:
        return refused(request, allowed.message)

    def render_form(form, status, message, edit):
        context = {
            "form": form,
            "incident": incident,
            "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
            "message": message,
            "edit": edit,
        }
        return render(request, "field/incident_action_form.html", context, status=status)

    def current(form, lock):
        nonlocal action
        if lock:
            action = IncidentAction.objects.select_for_update().select_related("incident").get(pk=action.pk)
        return record_values(form, lambda name: getattr(action, name))

    def correct(changes):
        corrected = incident_action_correct(action=action, actor=request.user, changes=changes)
        return corrected.pk, _("“%(kind)s” corrected.") % {"kind": corrected.get_kind_display()}

    return correction_page(
        request,
        allowed,
        url=reverse("field:incident_detail", args=[incident.pk]),
        form=lambda **data: ActionCorrectionForm(**data),
        current=current,
        correct=correct,
        render_form=render_form,
    )
