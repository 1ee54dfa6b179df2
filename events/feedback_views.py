"""The pages a registrant reaches from the materials e-mail, without logging in: the token in the
address (``events.tokens.feedback_token``) names their registration."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from events.mailing import registration_of_token
from events.models import Feedback
from programmes.models import Document
from programmes.views import document_file_response

RATINGS = [(value, str(value)) for value in range(5, 0, -1)]


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was the event? (5 is the best)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    # A field no person sees: a bot that fills it in is turned away.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Feedback
        fields = ["rating", "comment"]
        labels = {"comment": _("Anything to tell the organisers? (optional)")}
        widgets = {"comment": forms.Textarea(attrs={"rows": 5, "maxlength": 4000})}


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    registration = registration_of_token(token, slug)
    if registration is None:
        raise Http404
    existing = Feedback.objects.filter(registration=registration).first()
    form = FeedbackForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            raise Http404
        answer = form.save(commit=False)
        answer.registration = registration
        answer.save()
        return render(request, "events/feedback_thanks.html", {"event": registration.event})
    status = 400 if request.method == "POST" else 200
    context = {"event": registration.event, "form": form, "again": existing is not None}
    return render(request, "events/feedback.html", context, status=status)


@never_cache
@require_GET
def material(request: HttpRequest, slug: str, token: str, document_pk: int) -> HttpResponseBase:
    """A file of the materials sent to this registrant, too large to travel as an attachment."""
    registration = registration_of_token(token, slug)
    if registration is None:
        raise Http404
    sent = Document.objects.filter(pk=document_pk, mailings__deliveries__registration=registration).first()
    if sent is None:
        raise Http404
    return document_file_response(sent)
