"""Case work's pages.

In the field app (mounted by ``field/urls.py`` under ``/field/``): *my cases* (by case code), a
case (its plan, referrals and tasks, never the person's identity), the person's identifying data
on a page of its own (never kept on the phone, each opening logged), *log a contact*, *refer the
case*, a referral with its status to update, *my tasks* and marking a plan action done. Every
form goes through the outbox's exactly-once sending (``negotiators.field.submit``); writes go
through ``casework.services``, reads through ``casework.selectors`` (a case that is not the
viewer's is "not found").

In the portal (``/casework/``): *my tasks* for staff and supervisors, with their team's overdue
tasks.
"""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.viewer import Viewer, request_viewer
from casework.forms import ActionDoneForm, ContactForm, ReferralForm, ReferralMoveForm
from casework.models import (
    OPEN_CASE_STATUSES,
    ActionStatus,
    Case,
    PlanAction,
    Referral,
    ReferralStatus,
)
from casework.selectors import (
    case_for,
    reads_identity,
    referral_for,
    visible_cases,
    visible_referrals,
    works_cases,
)
from casework.services import action_done, contact_log, referral_create, referral_move
from casework.todo import Task, TaskKind, tasks_for, team_overdue
from negotiators.field import (
    FieldRequest,
    FormRejected,
    apply_errors,
    field_view,
    new_idempotency_key,
    private_page,
    submit,
)
from privacy.models import ViewChannel
from privacy.viewlog import record_view

PAGE_SIZE = 30
RECENT_CONTACTS = 10
# How many tasks the field app's *my tasks* lists before "show all".
TASKS_SHOWN = 40
# The services name some fields otherwise than the forms do.
REFERRAL_MOVE_FIELDS = {"status": "to_status", "completed_on": "on", "accepted_on": "on"}


# --- who works cases ------------------------------------------------------------------------------


def case_work(view: Callable) -> Callable:
    """A field page of case work: for those who work cases; anyone else finds nothing here."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not works_cases(request.field.viewer):
            raise Http404
        return view(request, *args, **kwargs)

    return field_view(wrapped)


def my_cases(viewer: Viewer) -> QuerySet[Case]:
    """The cases ``viewer`` works or supervises (staff may open any case, but theirs are these)."""
    return visible_cases(viewer).filter(Q(case_worker=viewer.user) | Q(supervisor=viewer.user))


def open_cases(viewer: Viewer) -> QuerySet[Case]:
    return my_cases(viewer).filter(status__in=OPEN_CASE_STATUSES, anonymised_at__isnull=True)


def task_link(task: Task) -> str:
    """Where the field app shows a task's record: the referral, or the case; an agreement check
    has no field page."""
    if task.kind == TaskKind.REFERRAL_FOLLOW_UP:
        return reverse("field:referral_detail", args=[task.source.pk])
    if task.case_id is not None:
        return reverse("field:case_detail", args=[task.case_id])
    return ""


def shown_tasks(tasks: list[Task]) -> list[dict]:
    """The tasks as the pages list them: with their link, and the idempotency key of the form that
    marks a plan action done (for browsers without the page's script). One random key per page,
    suffixed per task: a long list of tasks stays light (the repeated key compresses)."""
    page_key = new_idempotency_key()
    return [{"task": task, "url": task_link(task), "done_key": f"{page_key}-{n}"} for n, task in enumerate(tasks)]


def rejected_form(form, error: ValidationError, renamed: dict[str, str] | None = None) -> FormRejected:
    """Put a service's errors next to the form's fields (``renamed``: the service's field names
    the form calls otherwise), and say the form was rejected."""
    if renamed and hasattr(error, "error_dict"):
        error = ValidationError({renamed.get(name, name): messages for name, messages in error.message_dict.items()})
    apply_errors(form, error)
    return FormRejected()


# --- my cases and a case --------------------------------------------------------------------------


@case_work
@require_GET
def case_list(request: FieldRequest) -> HttpResponse:
    """My cases by case code, with their status and next due task; kept for offline use."""
    viewer = request.field.viewer
    show_closed = request.GET.get("closed") == "1"
    cases = my_cases(viewer).select_related("beneficiary").order_by("-opened_on", "-pk")
    if not show_closed:
        cases = cases.filter(status__in=OPEN_CASE_STATUSES)
    today = timezone.localdate()
    next_task: dict[int, Task] = {}
    for task in [*tasks_for(request.user, today=today), *team_overdue(request.user, today=today)]:
        if task.case_id is not None and (task.case_id not in next_task or task.due_on < next_task[task.case_id].due_on):
            next_task[task.case_id] = task
    rows = [{"case": case, "task": next_task.get(case.pk)} for case in cases[:PAGE_SIZE]]
    return render(request, "field/case_list.html", {"rows": rows, "show_closed": show_closed})


@private_page  # the plan, the referrals' reasons and the agency's feedback: never kept on the phone
@case_work
@require_GET
def case_detail(request: FieldRequest, pk: int) -> HttpResponse:
    """A case by its code: status, the plan's goals and actions, referrals, recent contacts and
    the viewer's tasks in it. The person's identity is on its own page."""
    return render_case_page(request, case_for(request.field.viewer, pk))


def render_case_page(request, case: Case, *, status=200, message=""):
    viewer = request.field.viewer
    today = timezone.localdate()
    goals = case.goals.prefetch_related(
        Prefetch("actions", queryset=PlanAction.objects.select_related("assignee").order_by("due_on", "pk"))
    )
    context = {
        "case": case,
        "goals": goals,
        "referrals": visible_referrals(viewer).filter(case=case).order_by("-sent_on", "-pk"),
        "contacts": case.contacts.order_by("-happened_on", "-pk")[:RECENT_CONTACTS],
        "tasks": shown_tasks([task for task in tasks_for(request.user, today=today) if task.case_id == case.pk]),
        "next_action": next_plan_action(case),
        "today": today,
        "can_write": case.is_open() and case.anonymised_at is None,
        "reads_identity": reads_identity(viewer, case) and case.anonymised_at is None,
        "message": message,
    }
    return render(request, "field/case_detail.html", context, status=status)


def next_plan_action(case: Case) -> PlanAction | None:
    """The plan's next action to do, whoever does it: the one due first (undated ones last); it
    heads the case's page with its status."""
    actions = PlanAction.objects.filter(goal__case=case, status=ActionStatus.TODO).select_related("goal")
    return actions.order_by(F("due_on").asc(nulls_last=True), "pk").first()


@private_page  # who the person is: never kept on the phone
@case_work
@require_GET
def case_person(request: FieldRequest, pk: int) -> HttpResponse:
    """The person's identifying data, to their case worker, the supervisor and staff who read
    personal data; each opening is logged."""
    viewer = request.field.viewer
    case = case_for(viewer, pk)
    if not reads_identity(viewer, case):
        raise Http404
    beneficiary = case.beneficiary
    identity = getattr(beneficiary, "identity", None)
    consents = list(beneficiary.consents.all())
    record_view(request.user, [identity] if identity is not None else [], ViewChannel.FIELD, request)
    context = {"case": case, "beneficiary": beneficiary, "identity": identity, "consents": consents}
    return render(request, "field/case_person.html", context)


# --- contacts and plan actions --------------------------------------------------------------------


@case_work
@require_http_methods(["GET", "POST"])
def contact_new(request: FieldRequest) -> HttpResponse:
    """Log a contact with the person, or an action taken for them, in one of my open cases; the
    empty form is kept for offline use (it names cases by their codes only)."""
    chosen = request.POST.get("case") or request.GET.get("case") or ""
    cases = contact_cases(request.field.viewer, also=int(chosen) if chosen.isdigit() else None)
    if request.method == "POST":
        form = ContactForm(request.POST, cases=cases)

        def write():
            if not form.is_valid():
                raise FormRejected
            data = form.cleaned_data
            case = data["case"]
            try:
                contact = contact_log(
                    case, kind=data["kind"], happened_on=data["happened_on"], note=data["note"], by=request.user
                )
            except ValidationError as error:
                raise rejected_form(form, error) from error
            message = _("“%(kind)s” logged in case %(code)s.") % {
                "kind": contact.get_kind_display(),
                "code": case.beneficiary.code,
            }
            return 201, {"id": contact.pk, "url": reverse("field:case_detail", args=[case.pk]), "message": message}

        def rejected(status, message):
            return render_contact_form(request, form, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form])
    case = get_object_or_404(cases, pk=chosen) if chosen.isdigit() else None
    return render_contact_form(request, ContactForm(cases=cases, case=case))


def contact_cases(viewer: Viewer, *, also: int | None = None) -> QuerySet[Case]:
    """The open cases a contact may be logged in: mine, and ``also`` (the case whose page the
    form was opened from: staff may work any case) if the viewer may open it."""
    mine = Q(case_worker=viewer.user) | Q(supervisor=viewer.user)
    if also is not None:
        mine |= Q(pk=also)
    cases = visible_cases(viewer).filter(mine, status__in=OPEN_CASE_STATUSES, anonymised_at__isnull=True)
    return cases.select_related("beneficiary").order_by("beneficiary__code")


def render_contact_form(request, form, *, status=200, message=""):
    key = request.POST.get("idempotency_key") if status == 400 else new_idempotency_key()
    context = {"form": form, "idempotency_key": key, "message": message}
    return render(request, "field/contact_form.html", context, status=status)


@private_page
@case_work
@require_POST
def action_mark_done(request: FieldRequest, pk: int) -> HttpResponse:
    """Mark a plan action done (from my tasks or the case's page)."""
    viewer = request.field.viewer
    actions = PlanAction.objects.filter(goal__case__in=visible_cases(viewer).values("pk"))
    action = get_object_or_404(actions.select_related("goal__case__beneficiary"), pk=pk)
    case = action.goal.case
    form = ActionDoneForm(request.POST)

    def write():
        if not form.is_valid():
            raise FormRejected
        try:
            done = action_done(action, on=form.cleaned_data["on"] or timezone.localdate(), by=request.user)
        except ValidationError as error:
            raise rejected_form(form, error, {"done_on": "on"}) from error
        message = _("Action of case %(code)s marked done.") % {"code": case.beneficiary.code}
        return 200, {"id": done.pk, "url": reverse("field:case_detail", args=[case.pk]), "message": message}

    def rejected(status, message):
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return render_case_page(request, case, status=status, message=" ".join([message, *errors]))

    return submit(request, write=write, rejected=rejected, forms=[form])


# --- referrals ------------------------------------------------------------------------------------


@case_work
@require_http_methods(["GET", "POST"])
def referral_new(request: FieldRequest, pk: int) -> HttpResponse:
    """Refer the case to an agency of its country, with the reason and when to follow it up."""
    case = case_for(request.field.viewer, pk)
    if not (case.is_open() and case.anonymised_at is None):
        raise Http404
    if request.method == "POST":
        form = ReferralForm(request.POST, case=case)

        def write():
            if not form.is_valid():
                raise FormRejected
            data = form.cleaned_data
            try:
                referral = referral_create(case=case, by=request.user, **data)
            except ValidationError as error:
                raise rejected_form(form, error) from error
            message = _("Case %(code)s referred to %(agency)s.") % {
                "code": case.beneficiary.code,
                "agency": referral.agency.name,
            }
            url = reverse("field:referral_detail", args=[referral.pk])
            return 201, {"id": referral.pk, "url": url, "message": message}

        def rejected(status, message):
            return render_referral_form(request, case, form, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form])
    return render_referral_form(request, case, ReferralForm(case=case))


def render_referral_form(request, case, form, *, status=200, message=""):
    key = request.POST.get("idempotency_key") if status == 400 else new_idempotency_key()
    context = {"case": case, "form": form, "idempotency_key": key, "message": message}
    return render(request, "field/referral_form.html", context, status=status)


@private_page  # the reason and the agency's feedback: never kept on the phone
@case_work
@require_http_methods(["GET", "POST"])
def referral_detail(request: FieldRequest, pk: int) -> HttpResponse:
    """A referral: agency, status and dates, the reason and the agency's feedback; a form to
    record what the agency did (only the moves its life cycle allows)."""
    referral = referral_for(request.field.viewer, pk)
    if request.method == "POST":
        form = ReferralMoveForm(request.POST, referral=referral)

        def write():
            if not form.is_valid():
                raise FormRejected
            data = form.cleaned_data
            try:
                moved = referral_move(referral, data["to_status"], by=request.user, **without(data, "to_status"))
            except ValidationError as error:
                raise rejected_form(form, error, REFERRAL_MOVE_FIELDS) from error
            message = _("The referral to %(agency)s is now “%(status)s”.") % {
                "agency": moved.agency.name,
                "status": ReferralStatus(moved.status).label,
            }
            url = reverse("field:referral_detail", args=[moved.pk])
            return 200, {"id": moved.pk, "url": url, "message": message}

        def rejected(status, message):
            return render_referral_page(request, referral, form, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form])
    return render_referral_page(request, referral, ReferralMoveForm(referral=referral))


def without(data: dict, *names: str) -> dict:
    return {key: value for key, value in data.items() if key not in names}


def render_referral_page(request, referral: Referral, form, *, status=200, message=""):
    key = request.POST.get("idempotency_key") if status == 400 else new_idempotency_key()
    context = {
        "referral": referral,
        "changes": referral.status_changes.order_by("changed_at", "pk"),
        "form": form if referral.allowed_moves() else None,
        "idempotency_key": key,
        "message": message,
        "today": timezone.localdate(),
    }
    return render(request, "field/referral_detail.html", context, status=status)


# --- my tasks -------------------------------------------------------------------------------------


def my_tasks(user: Any, today: date) -> tuple[list[Task], list[Task], list[Task]]:
    """``user``'s overdue and due tasks, and the overdue tasks of their team (of the cases they
    supervise, others' only)."""
    mine = tasks_for(user, today=today)
    team = [task for task in team_overdue(user, today=today) if task.owner_id != user.pk]
    return [task for task in mine if task.overdue], [task for task in mine if not task.overdue], team


@case_work
@require_GET
def field_tasks(request: FieldRequest) -> HttpResponse:
    """My tasks, overdue first, and my team's overdue ones if I supervise; kept for offline use
    (tasks name cases by their codes)."""
    today = timezone.localdate()
    overdue, due, team = my_tasks(request.user, today)
    # A phone shows the first ones (the page stays within the field app's budget); all on request.
    show_all = request.GET.get("all") == "1"
    hidden = 0 if show_all else max(0, len(overdue) + len(due) + len(team) - TASKS_SHOWN)
    if hidden:
        overdue = overdue[:TASKS_SHOWN]
        due = due[: TASKS_SHOWN - len(overdue)]
        team = team[: max(0, TASKS_SHOWN - len(overdue) - len(due))]
    context = {
        "overdue": shown_tasks(overdue),
        "due": shown_tasks(due),
        "team": shown_tasks(team),
        "hidden": hidden,
        "today": today,
    }
    return render(request, "field/tasks.html", context)


@never_cache
@login_required
@require_GET
def portal_tasks(request: HttpRequest) -> HttpResponse:
    """The portal's *my tasks*: mine (overdue, then due), and for a supervisor the team's overdue
    tasks with whose they are. For those who work cases; anyone else finds no such page."""
    viewer = request_viewer(request)
    if not works_cases(viewer):
        raise Http404
    today = timezone.localdate()
    overdue, due, team = my_tasks(request.user, today)
    sections: list[dict[str, Any]] = [
        {"title": _("Overdue"), "rows": shown_tasks(overdue), "empty": _("Nothing overdue.")},
        {"title": _("Due"), "rows": shown_tasks(due), "empty": _("Nothing due.")},
    ]
    if my_cases(viewer).filter(supervisor=viewer.user).exists():
        names = owner_names(team)
        rows = [{**row, "owner": names.get(row["task"].owner_id, "")} for row in shown_tasks(team)]
        empty = _("Nothing overdue in your team.")
        sections.append({"title": _("My team's overdue tasks"), "rows": rows, "empty": empty, "owners": True})
    return render(request, "casework/tasks.html", {"sections": sections, "today": today})


def owner_names(tasks: list[Task]) -> dict[int, str]:
    """The names of the tasks' owners: colleagues' logins, shown to their supervisor."""
    ids = {task.owner_id for task in tasks if task.owner_id is not None}
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}
