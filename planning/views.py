"""The field app's page of safety planning (mounted by ``field/urls.py``): the community's
strategies and plans with their measures, its initiatives, and a form to add one."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from negotiators.field import FormRejected, apply_errors, field_view, new_idempotency_key, submit
from planning.forms import InitiativeForm
from planning.models import Measure
from planning.selectors import visible_initiatives, visible_plans
from planning.services import initiative_add

# Staff and managers see every community: the page shows the latest few.
SHOWN = 20


@field_view
@require_http_methods(["GET", "POST"])
def community_planning(request):
    access = request.field
    form = InitiativeForm(request.POST or None, access=access) if access.can_write else None
    if request.method == "POST" and form is not None:

        def write():
            if not form.is_valid():
                raise FormRejected
            data = form.cleaned_data
            try:
                initiative = initiative_add(viewer=access.viewer, **data)
            except ValidationError as error:
                apply_errors(form, error)
                raise FormRejected from error
            message = _("Initiative “%(title)s” added.") % {"title": initiative.title}
            return 201, {"id": initiative.pk, "url": reverse("field:planning"), "message": message}

        return submit(
            request,
            write=write,
            rejected=lambda status, message: _render(request, form, status=status, message=message),
            forms=[form],
        )
    return _render(request, form)


def _render(request, form, *, status=200, message=""):
    viewer = request.field.viewer
    plans = (
        visible_plans(viewer)
        .select_related("community")
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("due_on", "pk")))
        .order_by("-starts_on", "pk")[:SHOWN]
    )
    initiatives = visible_initiatives(viewer).select_related("community").order_by("-started_on", "pk")[:SHOWN]
    context = {
        "plans": plans,
        "initiatives": initiatives,
        "form": form,
        "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
        "message": message,
    }
    return render(request, "field/planning.html", context, status=status)
