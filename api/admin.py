"""The API's keys (issued here, shown once) and its request log, in the staff admin."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from api.keys import api_key_check_owner, api_key_issue, api_key_revoke
from api.models import ApiKey, ApiRequest, Change

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups
    from django_stubs_ext import StrPromise

    # ModelForm and ModelAdmin take their model as a type argument only in the stubs: at run time
    # they are not subscriptable (no django_stubs_ext.monkeypatch()).
    _ApiKeyFormBase = forms.ModelForm[ApiKey]
    _ApiKeyAdminBase = admin.ModelAdmin[ApiKey]
    _ApiRequestAdminBase = admin.ModelAdmin[ApiRequest]
    _ChangeAdminBase = admin.ModelAdmin[Change]
else:
    _ApiKeyFormBase = forms.ModelForm
    _ApiKeyAdminBase = _ApiRequestAdminBase = _ChangeAdminBase = admin.ModelAdmin


class ApiKeyForm(_ApiKeyFormBase):
    class Meta:
        model = ApiKey
        fields = ["partner", "user", "name", "expires_at"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what ModelForm.clean() returns
        if self.instance.pk is None:
            try:
                api_key_check_owner(
                    partner=cleaned.get("partner"), user=cleaned.get("user"), expires_at=cleaned.get("expires_at")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(ApiKey)
class ApiKeyAdmin(_ApiKeyAdminBase):
    """Issue keys (the key is shown once, on the page after saving) and revoke them. A key is never
    deleted, so the request log keeps saying who pulled what."""

    form = ApiKeyForm
    list_display = ["__str__", "partner", "user", "state", "created_at", "expires_at", "last_used_at"]
    list_filter = ["partner", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "partner__name", "partner__short_name", "user__username"]
    autocomplete_fields = ["partner", "user"]
    list_select_related = ["partner", "user"]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "request_log"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> "_FieldGroups":
        if obj is None:
            return ["partner", "user", "name", "expires_at"]
        return ["partner", "user", "name", "prefix", "expires_at", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        return [*self.readonly_fields, "partner", "user"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, obj: ApiKey) -> "StrPromise":
        if obj.is_revoked:
            return _("revoked")
        if obj.is_expired():
            return _("expired")
        return _("active")

    @admin.display(description=_("requests"))
    def request_log(self, obj: ApiKey) -> SafeString:
        url = reverse("admin:api_apirequest_changelist") + f"?api_key__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Requests made with this key"))

    @admin.action(description=_("Revoke the selected API keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        actor = cast(User, request.user)  # the admin lets only signed-in staff in
        for api_key in queryset:
            api_key_revoke(api_key=api_key, actor=actor)
        self.message_user(request, _("Revoked %(count)d API keys.") % {"count": queryset.count()}, messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: Any) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        actor = cast(User, request.user)  # the admin lets only signed-in staff in
        issued = api_key_issue(
            actor=actor, partner=obj.partner, user=obj.user, name=obj.name, expires_at=obj.expires_at
        )
        # The admin goes on with `obj` (history entry, redirect): make it the saved row.
        obj.__dict__.update({k: v for k, v in issued.api_key.__dict__.items() if not k.startswith("_")})
        request.zlagoda_issued_token = issued.token  # type: ignore[attr-defined]  # read by response_add

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None) -> HttpResponse:
        """Show the new key once, on this response only: it is neither stored nor put in a message
        (which would keep it in a cookie or the session)."""
        token = getattr(request, "zlagoda_issued_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": obj,
            "token": token,
            "title": _("API key issued"),
            "changelist_url": reverse("admin:api_apikey_changelist"),
        }
        response = TemplateResponse(request, "admin/api/apikey/issued.html", context)
        add_never_cache_headers(response)
        return response


@admin.register(ApiRequest)
class ApiRequestAdmin(_ApiRequestAdminBase):
    """Who pulled what: every request made with an API key. Read-only."""

    list_display = ["requested_at", "api_key", "method", "path", "query", "status_code", "duration_ms"]
    list_filter = ["status_code", "method", "api_key__partner", "api_key"]
    search_fields = ["path", "query", "api_key__prefix", "api_key__partner__name"]
    date_hierarchy = "requested_at"
    list_select_related = ["api_key__partner", "api_key__user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiRequest | None = None) -> bool:
        return False


@admin.register(Change)
class ChangeAdmin(_ChangeAdminBase):
    """The change log the change feed and webhooks read, in commit order. Read-only: a row
    removed here would be a change no partner ever hears of."""

    list_display = ["id", "changed_at", "collection", "object_id", "action", "audience", "community_id", "partner_id"]
    list_filter = ["collection", "action", "audience"]
    search_fields = ["=object_id", "=community_id", "=partner_id"]
    ordering = ["-id"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Change | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Change | None = None) -> bool:
        return False
