"""What every case-work admin shares: asking the services from a form, object-level access and
the view log."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from access.capabilities import CAPABILITIES, Capability
from access.viewer import request_viewer
from casework.selectors import sees_every_case, visible_cases
from communities.admin_site import LabelledTabularInline
from privacy.admin import PersonalDataAdminMixin
from privacy.models import ViewChannel
from privacy.viewlog import record_view

User = get_user_model()
SMALL_TEXT: dict[Any, Any] = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}
KEEP = [("", _("(keep the status)"))]


class _DryRun(Exception):
    """Raised to roll back a service run only to learn whether it would succeed."""


def service_errors(form: forms.BaseForm, run: Callable[[], Any], fields: dict[str, str] | None = None) -> None:
    """Run ``run`` (a service call) and roll it back; its refusals become errors of ``form``,
    on the form's field named by ``fields`` (the service's field -> the form's), on the field of
    the same name, or on the whole form."""
    try:
        with transaction.atomic():
            run()
            raise _DryRun
    except _DryRun:
        return
    except PermissionDenied as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        add_errors(form, error, fields or {})


def add_errors(form: forms.BaseForm, error: ValidationError, fields: dict[str, str]) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        name = fields.get(field, field)
        form.add_error(name if name in form.fields else None, messages)


def actor(request: HttpRequest) -> Any:
    """Who is working (signed in: the admin lets no one else in)."""
    return request.user


def with_request(form_class: type[Any], request: HttpRequest) -> type[Any]:
    """``form_class`` knowing who is working (the services need ``by``)."""
    return type(form_class.__name__, (form_class,), {"user": request.user})


def become(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service saved (the admin's messages, log and
    redirect read it)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False


def case_workers() -> QuerySet[Any]:
    """The users who may work or supervise a case (superusers count as staff)."""
    roles = [role.value for role, capabilities in CAPABILITIES.items() if Capability.WORKS_CASES in capabilities]
    return (
        User.objects.filter(Q(is_superuser=True) | Q(groups__name__in=roles), is_active=True)
        .distinct()
        .order_by("username")
    )


# --- the shared shape of the case-work admins -----------------------------------------------------


class CaseworkAdminMixin(PersonalDataAdminMixin):
    """Object-level access and the view log for every case-work admin.

    ``case_path`` leads from the model to its ``Case`` (``""``: the model is the case); the
    queryset keeps the rows of the cases the viewer may open (staff who read personal data: all),
    so any other row is "not found". A change or history page logs the record it opened; a list
    shows case codes only and logs nothing unless ``lists_personal_data``.
    """

    case_path = "case"
    lists_personal_data = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        viewer = request_viewer(request)
        if sees_every_case(viewer):
            return queryset
        return self.scoped(queryset, viewer)

    def scoped(self, queryset: QuerySet[Any], viewer: Any) -> QuerySet[Any]:
        cases = visible_cases(viewer).values("pk")
        return queryset.filter(**{f"{self.case_path}__in" if self.case_path else "pk__in": cases})

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if self.lists_personal_data:
            return super().changelist_view(request, extra_context)
        # Skip the mixin's logging of every listed row: the list shows no personal data.
        return super(PersonalDataAdminMixin, self).changelist_view(request, extra_context)  # type: ignore[misc]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        # The history shows the old values: it is an opening too.
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        record = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if response.status_code == 200 and record is not None:
            record_view(request.user, self.personal_records([record]), ViewChannel.ADMIN, request)
        return response


class ReadOnlyInline(LabelledTabularInline):
    """Rows shown, every column read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KeptRecordMixin:
    """Never deleted here: a record of what happened (a consent and its withdrawal, a contact, an
    assessment). A person's data goes by anonymisation, which keeps the counts."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordAdminMixin(KeptRecordMixin):
    """Read-only: a log written by the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
