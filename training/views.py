"""The field app's training page (``/field/training/``): the modules a negotiator completed, the
sessions ahead and where they stand on the way to certification."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from access.capabilities import Capability
from negotiators.field import field_view
from negotiators.selectors import visible_negotiators
from privacy.models import ViewChannel
from privacy.viewlog import record_view
from training.models import ModuleLevel
from training.selectors import training_progress as progress_of

SESSIONS_AHEAD = 10


def contacts_of(negotiators):
    return [negotiator.contact for negotiator in negotiators if hasattr(negotiator, "contact")]


@field_view
def training_progress(request):
    """A negotiator sees their own progress; staff and managers pick a negotiator first."""
    negotiators = (
        visible_negotiators(request.field.viewer).filter(is_active=True).select_related("community", "contact")
    )
    negotiator = request.field.negotiator
    if negotiator is None and request.GET.get("negotiator", "").isdigit():
        negotiator = get_object_or_404(negotiators, pk=request.GET["negotiator"])
    # Negotiators' names are their contacts' personal data: shown (and logged) only to those who
    # read it; a programme manager picks by number.
    reads_personal = request.field.viewer.can(Capability.READS_PERSONAL_DATA)
    if negotiator is None:
        listed = list(negotiators.order_by("community__name"))
        if reads_personal:
            record_view(request.user, contacts_of(listed), ViewChannel.FIELD, request)
        context = {"negotiators": listed, "reads_personal": reads_personal}
        # Negotiators' names (staff and managers): never kept on the phone.
        response = render(request, "field/training_choose.html", context)
        add_never_cache_headers(response)
        return response

    progress = progress_of(request.field.viewer, negotiator=negotiator, sessions_ahead=SESSIONS_AHEAD)
    own = negotiator == request.field.negotiator
    if reads_personal and not own:
        record_view(request.user, contacts_of([negotiator]), ViewChannel.FIELD, request)
    context = {
        "negotiator": negotiator,
        "own": own,
        "reads_personal": reads_personal,
        "rows": progress.rows,
        "basic": progress.levels[ModuleLevel.BASIC],
        "advanced": progress.levels[ModuleLevel.ADVANCED],
        # Basic first, the way to certification, then advanced (the modules' order sorts by name).
        "levels": [
            {"level": level, **progress.levels[level], "rows": [r for r in progress.rows if r["module"].level == level]}
            for level in (ModuleLevel.BASIC, ModuleLevel.ADVANCED)
        ],
        "sessions": progress.sessions,
    }
    response = render(request, "field/training.html", context)
    if not context["own"]:
        add_never_cache_headers(response)  # another negotiator's name and progress
    return response
