"""Webhooks in the staff admin: register a partner organisation's URL, read its signing secret,
send a test event, deliver now; and the read-only delivery log."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sync import webhooks
from sync.models import DeliveryState, Webhook, WebhookDelivery, new_secret
from sync.tasks import deliver_webhook


def deliver_on_commit(webhook_id: int) -> None:
    # Robust: the failures are forgotten (committed) even if queueing fails; beat sends it then.
    transaction.on_commit(lambda: deliver_webhook.delay(webhook_id), robust=True)


WEBHOOK_DETAILS = [
    "signing_secret",
    "status",
    "cursor",
    "created_at",
    "updated_at",
    "last_success_at",
    "failing_since",
    "next_attempt_at",
    "given_up_at",
    "delivery_log",
]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """A webhook per URL of a partner organisation. The secret is shown to those who may change
    webhooks (staff), not to programme managers, who browse the admin read-only."""

    list_display = ["partner", "url", "is_active", "status", "last_success_at", "failing_since"]
    list_filter = ["is_active", "partner"]
    search_fields = ["url", "partner__name", "partner__short_name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    actions = ["send_test_event", "deliver_now", "give_new_secret"]
    change_form_template = "admin/sync/webhook/change_form.html"

    def get_fields(self, request: HttpRequest, obj: Webhook | None = None) -> Any:
        if obj is None:
            return ["partner", "url", "is_active"]
        return ["partner", "url", "is_active", *self._details(request)]

    def get_readonly_fields(self, request: HttpRequest, obj: Webhook | None = None) -> Any:
        return ["partner", *self._details(request)] if obj is not None else []

    def _details(self, request: HttpRequest) -> list[str]:
        shown = "signing_secret" if self.has_change_permission(request) else "signing_secret_hidden"
        return [shown, *WEBHOOK_DETAILS[1:]]

    @admin.display(description=gettext_lazy("signing secret"))
    def signing_secret(self, obj: Webhook) -> SafeString:
        return format_html(
            '<code>{}</code><div class="help">{}</div>',
            obj.secret,
            _("The partner checks each delivery's X-Zlagoda-Signature with it: hand it over safely."),
        )

    @admin.display(description=gettext_lazy("signing secret"))
    def signing_secret_hidden(self, obj: Webhook) -> str:
        return _("Shown to staff only.")

    @admin.display(description=gettext_lazy("state"))
    def status(self, obj: Webhook) -> str:
        if not obj.is_active:
            return _("paused")
        if obj.given_up_at is not None:
            return _("given up: the next change or “Deliver now” starts again")
        if obj.failing_since is not None:
            return _("failing, retried")
        return _("delivering")

    @admin.display(description=gettext_lazy("deliveries"))
    def delivery_log(self, obj: Webhook) -> SafeString:
        url = reverse("admin:sync_webhookdelivery_changelist") + f"?webhook__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Deliveries to this webhook"))

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:webhook_id>/send-test-event/",
                self.admin_site.admin_view(self.send_test_event_view),
                name="sync_webhook_send_test_event",
            ),
            path(
                "<int:webhook_id>/deliver-now/",
                self.admin_site.admin_view(self.deliver_now_view),
                name="sync_webhook_deliver_now",
            ),
        ]
        return own + super().get_urls()

    def _button_view(self, request: HttpRequest, webhook_id: int, act: Any) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        webhook = get_object_or_404(Webhook, pk=webhook_id)
        if not self.has_change_permission(request, webhook):
            raise PermissionDenied
        act(request, Webhook.objects.filter(pk=webhook.pk))
        return HttpResponseRedirect(reverse("admin:sync_webhook_change", args=[webhook.pk]))

    def send_test_event_view(self, request: HttpRequest, webhook_id: int) -> HttpResponse:
        return self._button_view(request, webhook_id, self.send_test_event)

    def deliver_now_view(self, request: HttpRequest, webhook_id: int) -> HttpResponse:
        return self._button_view(request, webhook_id, self.deliver_now)

    @admin.action(description=gettext_lazy("Send a test event"), permissions=["change"])
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset.select_related("partner"):
            delivery = webhooks.webhook_send_test(webhook=webhook)
            if delivery.state == DeliveryState.DELIVERED:
                text = _("%(webhook)s answered the test event with HTTP %(status)s.")
                self.message_user(
                    request, text % {"webhook": webhook, "status": delivery.status_code}, messages.SUCCESS
                )
            elif delivery.status_code is not None:
                text = _("%(webhook)s answered the test event with HTTP %(status)s: not delivered.")
                self.message_user(request, text % {"webhook": webhook, "status": delivery.status_code}, messages.ERROR)
            else:
                text = _("The test event did not reach %(webhook)s: %(error)s")
                self.message_user(request, text % {"webhook": webhook, "error": delivery.error}, messages.ERROR)

    @admin.action(description=gettext_lazy("Deliver now (forget the failures)"), permissions=["change"])
    def deliver_now(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            webhooks.webhook_retry_now(webhook=webhook)
            deliver_on_commit(webhook.pk)
        self.message_user(
            request,
            _("Delivery started for the selected webhooks: the delivery log shows how it goes."),
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Give the selected webhooks a new signing secret"), permissions=["change"])
    def give_new_secret(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            webhook.secret = new_secret()
            webhook.save(update_fields=["secret", "updated_at"])
        self.message_user(
            request,
            _("The selected webhooks have new signing secrets: the old ones sign nothing now."),
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every POST to a webhook and how it was answered. Read-only."""

    list_display = [
        "created_at",
        "webhook",
        "is_test",
        "state",
        "item_count",
        "attempts",
        "status_code",
        "error",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "is_test", "webhook__partner", "webhook"]
    search_fields = ["webhook__url", "webhook__partner__name", "error"]
    date_hierarchy = "created_at"
    list_select_related = ["webhook__partner"]
    readonly_fields = [
        "webhook",
        "event_id",
        "is_test",
        "created_at",
        "state",
        "item_count",
        "since_sequence",
        "until_sequence",
        "attempts",
        "last_attempt_at",
        "status_code",
        "response_excerpt",
        "error",
        "next_attempt_at",
        "delivered_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False
