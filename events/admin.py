"""The staff side of events: speakers and officials, an event's contributors, its registrants (with
their questions, check-in and export), attendance imported from the videoconference's export, and
the materials sent afterwards with each recipient's delivery status.

``negotiators`` cannot know this app (it is a layer below), so the event's admin registered there
is replaced here by a subclass with the contributors inline and the pages of the registrants.
Names, e-mails and accessibility needs are shown only to viewers who read personal data, and every
page or export showing them is logged (``privacy.viewlog``).
"""

from collections import defaultdict
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities.admin_bulk import ExportMixin
from events.attendance import AttendanceFileError, mark_attended, match, read_rows
from events.mailing import create_mailing, retry
from events.models import (
    AudienceRole,
    ConsentText,
    Contributor,
    Delivery,
    DeliveryStatus,
    Feedback,
    MaterialsMailing,
    Person,
    Registration,
    RegistrationStatus,
    email_token,
)
from events.staff_forms import AttendanceConfirmForm, AttendanceUploadForm, MaterialsForm
from negotiators.admin import OutreachEventAdmin
from negotiators.models import OutreachEvent
from privacy.admin import AdminLogWithoutPersonalDataMixin, log_listed, log_shown, reads_personal_data
from privacy.models import ViewChannel
from privacy.viewlog import record_view

PERSON_CONTACTS = ["email", "phone"]


def _records(objects: Any) -> list[Any]:
    return list(objects)


@admin.register(Person)
class PersonAdmin(AdminLogWithoutPersonalDataMixin, admin.ModelAdmin):
    """Names and organisations are public (event pages); the contacts are personal data: shown, and
    logged, only for viewers who read it."""

    list_display = ["full_name", "organisation", "position", "contribution_count"]
    search_fields = ["full_name", "organisation", "position"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(contribution_count=Count("contributions"))

    @admin.display(description=_("events"), ordering="contribution_count")
    def contribution_count(self, obj: Person) -> int:
        return obj.contribution_count  # type: ignore[attr-defined]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["full_name", "organisation", "position"]
        return fields + PERSON_CONTACTS if reads_personal_data(request) else fields

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if reads_personal_data(request):
            log_shown(request, response, lambda people: [person for person in people if person.email or person.phone])
        return response


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "event", "order"]
    list_filter = ["role"]
    search_fields = ["person__full_name", "person__organisation", "event__title"]
    autocomplete_fields = ["event", "person"]
    list_select_related = ["person", "event"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A version agreed to is never edited: a change is a new version."""

    list_display = ["version", "language", "effective_from", "registration_count"]
    list_filter = ["language"]
    search_fields = ["text"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(registration_count=Count("registrations"))

    @admin.display(description=_("registrations"), ordering="registration_count")
    def registration_count(self, obj: ConsentText) -> int:
        return obj.registration_count  # type: ignore[attr-defined]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.registrations.exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.registrations.exists():
            return False
        return super().has_delete_permission(request, obj)


class ContributorInline(admin.TabularInline):
    model = Contributor
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order"]


def _check_in(registrations: Any) -> int:
    return mark_attended(registrations.exclude(status=RegistrationStatus.CANCELLED))


class EventAdmin(OutreachEventAdmin):
    """The event's admin with its speakers and moderators, and its staff pages: the questions for
    the moderator, attendance imported from a participant list, and sending the materials."""

    inlines = [*OutreachEventAdmin.inlines, ContributorInline]
    readonly_fields = [*OutreachEventAdmin.readonly_fields, "registrants"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.insert(-1, (_("Registrants and materials"), {"fields": ["registrants"]}))
        return fieldsets

    @admin.display(description=_("registrants"))
    def registrants(self, obj: OutreachEvent) -> str:
        counts = obj.registrations.aggregate(
            registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
            attended=Count("pk", filter=Q(attended=True)),
        )
        summary = _("%(registered)d registered, %(waiting)d waiting, %(attended)d attended") % counts
        links = [
            (reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}", _("Registrants")),
            (reverse("admin:events_event_questions", args=[obj.pk]), _("Questions for the moderator")),
            (reverse("admin:events_event_attendance", args=[obj.pk]), _("Import attendance")),
            (reverse("admin:events_event_materials", args=[obj.pk]), _("Send materials")),
            (reverse("admin:events_materialsmailing_changelist") + f"?event__id__exact={obj.pk}", _("Mailings")),
        ]
        return format_html(
            "{}<br>{}", summary, format_html_join(" · ", '<a href="{}">{}</a>', ((url, str(t)) for url, t in links))
        )

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/questions/", wrap(self.questions_view), name="events_event_questions"),
            path("<path:object_id>/attendance/", wrap(self.attendance_view), name="events_event_attendance"),
            path("<path:object_id>/materials/", wrap(self.materials_view), name="events_event_materials"),
            *super().get_urls(),
        ]

    def _event(self, request: HttpRequest, object_id: str) -> OutreachEvent:
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404
        return event

    def _context(self, request: HttpRequest, event: OutreachEvent, title: Any, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "event": event,
            "title": title,
            "subtitle": str(event),
            "shows_names": reads_personal_data(request),
            **extra,
        }

    def questions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The registrants' questions, grouped by their role or their community, to print."""
        if not registration_admin(self).has_view_permission(request):
            raise PermissionDenied
        event = self._event(request, object_id)
        by = "community" if request.GET.get("by") == "community" else "role"
        asked = (
            event.registrations.exclude(status=RegistrationStatus.CANCELLED)
            .exclude(question="")
            .select_related("community__region")
            .order_by("created_at", "pk")
        )
        groups: dict[str, list[Registration]] = defaultdict(list)
        for registration in asked:
            if by == "community":
                label = str(registration.community) if registration.community else str(_("Community not given"))
            else:
                label = str(AudienceRole(registration.role).label) if registration.role else str(_("Other"))
            groups[label].append(registration)
        shows_names = reads_personal_data(request)
        if shows_names:
            record_view(request.user, asked, ViewChannel.ADMIN, request)
        context = self._context(
            request,
            event,
            _("Questions for the moderator"),
            groups=sorted(groups.items()),
            by=by,
            total=sum(len(items) for items in groups.values()),
        )
        return TemplateResponse(request, "admin/events/questions.html", context)

    def attendance_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Upload a participant list, see what matches, then confirm; nothing changes before."""
        if not registration_admin(self).has_change_permission(request):
            raise PermissionDenied
        event = self._event(request, object_id)
        upload = AttendanceUploadForm()
        preview = None
        confirm = AttendanceConfirmForm(event=event)
        if request.method == "POST" and "payload" in request.POST:
            confirm = AttendanceConfirmForm(request.POST, event=event)
            if confirm.is_valid():
                data = confirm.cleaned_data["payload"]
                marked = mark_attended(event.registrations.filter(pk__in=data["r"]))
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d registrant marked as attended.", "%(count)d registrants marked as attended.", marked
                    )
                    % {"count": marked},
                    messages.SUCCESS,
                )
                context = self._context(
                    request, event, _("Import attendance"), done=True, unmatched=data["u"], upload=upload
                )
                return TemplateResponse(request, "admin/events/attendance.html", context)
        elif request.method == "POST":
            upload = AttendanceUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                try:
                    rows = read_rows(upload.cleaned_data["file"].read())
                except AttendanceFileError as error:
                    upload.add_error("file", str(error))
                else:
                    preview = match(event, rows)
                    unmatched = [[row.line, row.name, row.email] for row in preview.unmatched]
                    payload = AttendanceConfirmForm.sign(event, sorted(preview.matched), unmatched)
                    confirm = AttendanceConfirmForm(initial={"payload": payload}, event=event)
        matched = []
        if preview is not None:
            registrations = event.registrations.in_bulk(list(preview.matched))
            matched = [(registrations[pk], row) for pk, row in preview.matched.items() if pk in registrations]
            if reads_personal_data(request):
                record_view(request.user, [r for r, _row in matched], ViewChannel.ADMIN, request)
        context = self._context(
            request,
            event,
            _("Import attendance"),
            upload=upload,
            preview=preview,
            matched=matched,
            unmatched=[[row.line, row.name, row.email] for row in preview.unmatched] if preview else [],
            confirm=confirm,
        )
        return TemplateResponse(request, "admin/events/attendance.html", context)

    def materials_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Choose the documents and links and who gets them; one delivery per recipient."""
        if not request.user.has_perm("events.add_materialsmailing"):
            raise PermissionDenied
        event = self._event(request, object_id)
        form = MaterialsForm(request.POST or None, event=event)
        if request.method == "POST" and form.is_valid():
            mailing = create_mailing(
                event=event,
                audience=form.cleaned_data["audience"],
                documents=form.cleaned_data["documents"],
                links=form.cleaned_data["links"],
                message=form.cleaned_data["message"],
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
            )
            count = mailing.deliveries.count()
            self.message_user(
                request,
                ngettext(
                    "The materials are being sent to %(count)d person.",
                    "The materials are being sent to %(count)d people.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS if count else messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:events_materialsmailing_change", args=[mailing.pk]))
        context = self._context(request, event, _("Send materials"), form=form, media=self.media + form.media)
        return TemplateResponse(request, "admin/events/materials.html", context)


def registration_admin(model_admin: admin.ModelAdmin) -> admin.ModelAdmin:
    return model_admin.admin_site._registry[Registration]


admin.site.unregister(OutreachEvent)
admin.site.register(OutreachEvent, EventAdmin)


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, AdminLogWithoutPersonalDataMixin, admin.ModelAdmin):
    """Registrants by event, with their questions; names and e-mails only for viewers who read
    personal data (and then logged). Search by organisation, question or community, or by an exact
    e-mail address (its blind token)."""

    list_display = ["registrant", "event", "role", "community", "status", "attended", "checked_in_at", "asked"]
    list_filter = ["event", "status", "attended", "role", "bounced", "language"]
    search_fields = ["organisation", "question", "community__name", "event__title"]
    list_select_related = ["event", "community"]
    autocomplete_fields = ["event", "community"]
    bulk_actions = ("check_in", "export_csv", "export_xlsx")
    export_fields = [
        "id",
        "event",
        "role",
        "organisation",
        "community",
        "language",
        "status",
        "attended",
        "checked_in_at",
        "question",
        "created_at",
    ]
    readonly_fields = ["consent", "consented_at", "cancelled_at", "checked_in_at", "bounced", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        personal = ["full_name", "email", "accessibility_needs"] if reads_personal_data(request) else []
        return [
            "event",
            *personal,
            "organisation",
            "role",
            "community",
            "question",
            "language",
            "status",
            "attended",
            *self.readonly_fields,
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Registrations come from the public page, with the registrant's own consent.
        return False

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        term = search_term.strip()
        if "@" in term and " " not in term:
            return queryset.filter(email_token=email_token(term)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("registrant"))
    def registrant(self, obj: Registration) -> str:
        # "Registration #12" for viewers who do not read personal data (privacy.visibility).
        return str(obj)

    @admin.display(description=_("question"))
    def asked(self, obj: Registration) -> str:
        return obj.question if len(obj.question) <= 80 else obj.question[:79] + "…"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        if reads_personal_data(request):
            log_listed(request, response, _records)
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if reads_personal_data(request):
            log_shown(request, response, _records)
        return response

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions.pop("check_in", None)
        return actions

    @admin.action(description=_("Check in (mark as attended)"))
    def check_in(self, request: HttpRequest, queryset: Any) -> None:
        changed = _check_in(queryset)
        self.message_user(
            request,
            ngettext("%(count)d registrant checked in.", "%(count)d registrants checked in.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    def export_personal_columns(self, request: HttpRequest) -> list[Any]:
        return [
            (_("full name"), lambda registration: registration.full_name),
            (_("e-mail"), lambda registration: registration.email),
            (_("accessibility needs"), lambda registration: registration.accessibility_needs),
        ]

    def export_personal_records(self, objects: Any) -> list[Any]:
        return list(objects)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = readonly_fields = ("registration", "status", "attempts", "error", "sent_at", "updated_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _retry(model_admin: admin.ModelAdmin, request: HttpRequest, deliveries: Any) -> None:
    count = retry(deliveries, request.build_absolute_uri("/"))
    model_admin.message_user(
        request,
        ngettext("%(count)d delivery sent again.", "%(count)d deliveries sent again.", count) % {"count": count},
        messages.SUCCESS if count else messages.WARNING,
    )


@admin.register(MaterialsMailing)
class MaterialsMailingAdmin(AdminLogWithoutPersonalDataMixin, admin.ModelAdmin):
    """Mailings are created from the event's "Send materials" page; here they are followed."""

    list_display = ["event", "audience", "created_at", "created_by", "sent", "failed", "bounced", "queued"]
    list_filter = ["event", "audience"]
    list_select_related = ["event", "created_by"]
    fields = readonly_fields = ("event", "audience", "documents", "links", "message", "created_by", "created_at")
    inlines = [DeliveryInline]
    actions = ["retry_failed"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .annotate(
                **{
                    status: Count("deliveries", filter=Q(deliveries__status=status))
                    for status in ("sent", "failed", "bounced", "queued")
                }
            )
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Read-only once sent; the permission still decides who may retry.
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Created on the event's "Send materials" page, which chooses the recipients.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.has_perm("events.change_delivery"):
            actions.pop("retry_failed", None)
        return actions

    @admin.display(description=DeliveryStatus.SENT.label, ordering="sent")
    def sent(self, obj: Any) -> int:
        return obj.sent

    @admin.display(description=DeliveryStatus.FAILED.label, ordering="failed")
    def failed(self, obj: Any) -> int:
        return obj.failed

    @admin.display(description=DeliveryStatus.BOUNCED.label, ordering="bounced")
    def bounced(self, obj: Any) -> int:
        return obj.bounced

    @admin.display(description=DeliveryStatus.QUEUED.label, ordering="queued")
    def queued(self, obj: Any) -> int:
        return obj.queued

    @admin.action(description=_("Send the failed deliveries again"))
    def retry_failed(self, request: HttpRequest, queryset: Any) -> None:
        _retry(self, request, Delivery.objects.filter(mailing__in=queryset, status=DeliveryStatus.FAILED))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        mailing = getattr(response, "context_data", {}).get("original") if hasattr(response, "context_data") else None
        if mailing is not None and reads_personal_data(request):
            record_view(
                request.user,
                [delivery.registration for delivery in mailing.deliveries.all()],
                ViewChannel.ADMIN,
                request,
            )
        return response


@admin.register(Delivery)
class DeliveryAdmin(AdminLogWithoutPersonalDataMixin, admin.ModelAdmin):
    list_display = ["registration", "mailing", "status", "attempts", "error", "sent_at"]
    list_filter = ["status", "mailing__event"]
    list_select_related = ["registration", "mailing__event"]
    actions = ["retry_failed"]
    fields = readonly_fields = ("mailing", "registration", "status", "attempts", "error", "sent_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        if reads_personal_data(request):
            log_listed(request, response, lambda deliveries: [delivery.registration for delivery in deliveries])
        return response

    @admin.action(description=_("Send the failed deliveries again"), permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: Any) -> None:
        _retry(self, request, queryset)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["event", "rating", "comment", "submitted_at"]
    list_filter = ["rating", "registration__event"]
    list_select_related = ["registration__event"]
    fields = readonly_fields = ("rating", "comment", "submitted_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("event"), ordering="registration__event__date")
    def event(self, obj: Feedback) -> OutreachEvent:
        return obj.registration.event
