"""The field app's training page (``/field/training/``): the modules a negotiator completed, the
sessions ahead and where they stand on the way to certification."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from negotiators.field import field_view
from negotiators.selectors import visible_negotiators
from training.models import ModuleLevel
from training.selectors import visible_attendance, visible_modules, visible_sessions

SESSIONS_AHEAD = 10


@field_view
def training_progress(request):
    """A negotiator sees their own progress; staff and managers pick a negotiator first."""
    negotiators = (
        visible_negotiators(request.field.viewer).filter(is_active=True).select_related("community", "contact")
    )
    negotiator = request.field.negotiator
    if negotiator is None and request.GET.get("negotiator", "").isdigit():
        negotiator = get_object_or_404(negotiators, pk=request.GET["negotiator"])
    if negotiator is None:
        return render(request, "field/training_choose.html", {"negotiators": negotiators.order_by("community__name")})

    completed_on: dict[int, object] = {}
    attended: set[int] = set()
    for attendance in (
        visible_attendance(request.field.viewer).filter(negotiator=negotiator, present=True).select_related("session")
    ):
        module_id, ends_on = attendance.session.module_id, attendance.session.ends_on
        attended.add(module_id)
        if attendance.completed and (module_id not in completed_on or ends_on > completed_on[module_id]):
            completed_on[module_id] = ends_on
    modules = list(visible_modules(request.field.viewer).filter(is_active=True))
    rows = [
        {"module": module, "completed_on": completed_on.get(module.pk), "attended": module.pk in attended}
        for module in modules
    ]
    progress = {
        level: {
            "done": sum(1 for row in rows if row["module"].level == level and row["completed_on"]),
            "total": sum(1 for row in rows if row["module"].level == level),
        }
        for level in ModuleLevel.values
    }
    today = timezone.localdate()
    sessions = [
        {"session": session, "needed": session.module_id not in completed_on}
        for session in visible_sessions(request.field.viewer)
        .filter(ends_on__gte=today, module__is_active=True)
        .select_related("module", "host_community")
        .order_by("starts_on")[:SESSIONS_AHEAD]
    ]
    context = {
        "negotiator": negotiator,
        "own": negotiator == request.field.negotiator,
        "rows": rows,
        "basic": progress[ModuleLevel.BASIC],
        "advanced": progress[ModuleLevel.ADVANCED],
        "sessions": sessions,
    }
    return render(request, "field/training.html", context)
