"""The public pages of an event open for registration (no login): the page with its form, the
answer after registering, and the cancellation page the confirmation e-mail links to."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import ConsentText, Contributor, Registration, RegistrationStatus, email_token
from events.public_forms import CancelForm, RegistrationForm, community_label
from events.services import RegistrationClosed, cancel, closed_reason, event_time, register, request_erasure
from events.tokens import form_stamp, read_cancel_token
from negotiators.models import EventLanguage, OutreachEvent

# Submissions an address, and a client address, may make in RATE_WINDOW seconds.
RATE_WINDOW = 60 * 60
RATE_PER_EMAIL = 5
RATE_PER_CLIENT = 20
OUTCOMES = {"registered", "waiting", "again"}


def public_event(slug: str) -> OutreachEvent:
    """The event whose page is public: one staff opened for registration."""
    return get_object_or_404(OutreachEvent, slug=slug, registration_open=True)


def over_rate(key: str, limit: int) -> bool:
    """Count one more submission under ``key``; true once more than ``limit`` were made in the window."""
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > limit


def _page(request: HttpRequest, event: OutreachEvent, form: RegistrationForm | None, error: str = "") -> HttpResponse:
    language = get_language() or settings.LANGUAGE_CODE
    contributors = Contributor.objects.filter(event=event).select_related("person").order_by("order", "pk")
    languages = [EventLanguage(code).label for code in event.languages if code in EventLanguage.values]
    context = {
        "event": event,
        "when": event_time(event),
        "starts_iso": event.starts_at.isoformat() if event.starts_at else "",
        "contributors": contributors,
        "languages": languages,
        "closed": closed_reason(event),
        "form": form,
        "error": error,
        "consent": ConsentText.current(language),
        "community_labels": [community_label(c) for c in form.communities] if form else [],
        "stamp": form_stamp(event.pk),
    }
    status = 200 if not error and not (form and form.errors) else 400
    return render(request, "events/register.html", context, status=status)


@require_http_methods(["GET", "POST"])
def register_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    if closed_reason(event) is not None:
        return _page(request, event, None)
    if request.method != "POST":
        return _page(request, event, RegistrationForm(event=event))
    form = RegistrationForm(request.POST, event=event)
    client = request.META.get("REMOTE_ADDR", "")
    if over_rate(f"events:rate:client:{client}", RATE_PER_CLIENT):
        return _page(request, event, form, _("Too many registrations from your network. Please try again in an hour."))
    if form.is_spam():
        return _page(
            request, event, form, _("The form could not be accepted. Please check your entries and send it again.")
        )
    if not form.is_valid():
        return _page(request, event, form)
    if over_rate(f"events:rate:email:{event.pk}:{email_token(form.cleaned_data['email'])}", RATE_PER_EMAIL):
        return _page(request, event, form, _("Too many attempts with this address. Please try again in an hour."))
    language = get_language() or settings.LANGUAGE_CODE
    try:
        registration, created = register(event, form.cleaned_data, language, base_url=request.build_absolute_uri("/"))
    except RegistrationClosed as closed:
        return _page(request, event, form, str(closed))
    if not created:
        outcome = "again"
    elif registration.status == RegistrationStatus.WAITING:
        outcome = "waiting"
    else:
        outcome = "registered"
    return redirect("events:done", slug=event.slug, outcome=outcome)


def done(request: HttpRequest, slug: str, outcome: str) -> HttpResponse:
    event = public_event(slug)
    if outcome not in OUTCOMES:
        raise Http404
    return render(request, "events/done.html", {"event": event, "when": event_time(event), "outcome": outcome})


@require_http_methods(["GET", "POST"])
def cancel_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    event = get_object_or_404(OutreachEvent, slug=slug)
    pk = read_cancel_token(token, event.pk)
    registration = Registration.objects.filter(pk=pk, event=event).first() if pk else None
    if registration is None:
        raise Http404
    context = {"event": event, "when": event_time(event), "registration": registration, "done": ""}
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["action"] == "erase":
                request_erasure(registration, base_url=request.build_absolute_uri("/"))
                context["done"] = "erased"
            else:
                cancel(registration, base_url=request.build_absolute_uri("/"))
                context["done"] = "cancelled"
    context["cancelled"] = registration.status == RegistrationStatus.CANCELLED
    context["erased"] = not registration.email
    context["over"] = event.starts_at is not None and event.starts_at <= timezone.now()
    return render(request, "events/cancel.html", context)
