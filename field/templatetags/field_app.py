"""Template tags of the field app's layout: the messages its script shows (translated here, so the
script carries no language of its own) and the pages kept for offline use."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from negotiators.field import device_session
from privacy.location import visible_location

register = template.Library()
# What would let the data close the script element or open markup (as django.utils.html.json_script).
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def field_strings():
    strings = {
        "waiting": _("%(count)s waiting to send"),
        "waitingOne": _("Waiting to send"),
        "toFix": _("%(count)s not accepted: open to fix"),
        "queued": _("Saved on this phone. It will be sent when the connection is back."),
        "sent": _("Sent: %(label)s"),
        "sending": _("Sending…"),
        "login": _("You were logged out. Log in again to send what is waiting."),
        "loginLink": _("Log in"),
        "loggedOut": _("%(count)s saved on this phone: log in to send them."),
        "keptHere": _("%(count)s saved on this phone: sent once the connection is back."),
        "otherUser": _("Saved by another login on this phone: log in as that user to send it."),
        "rejected": _("The server did not accept this entry."),
        "notAccepted": _("Not accepted: %(label)s."),
        "notFound": _("Not found: the record was removed or belongs to another community."),
        "retry": _("The server had a problem; it will be tried again."),
        "fix": _("Open and fix"),
        "discard": _("Discard"),
        "confirmDiscard": _("Discard this entry? It will not be sent."),
        "fixing": _("This entry was kept on this phone and not accepted. Correct it and send it again."),
        "required": _("This field is required."),
        "correct": _("Please correct the errors below."),
        "savedAt": _("saved %(time)s"),
        "needsConnection": _("This needs a connection."),
        "erased": _("What another login kept on this phone was erased."),
        "unsentTitle": _("Not sent yet"),
        "unsentText": _(
            "These entries are still on this phone. Logging out erases them: send them first, or discard them."
        ),
        "sendLogout": _("Send them, then log out"),
        "sendOnline": _("Sending needs a connection: stay logged in until it is back, or discard them."),
        "discardLogout": _("Discard them and log out"),
        "stay": _("Stay logged in"),
        "notKept": _(
            "This could not be kept on the phone. Leave the page open and send it again when the connection is back."
        ),
    }
    # Not json_script: it escapes every Cyrillic letter into six bytes, on every page.
    data = json.dumps(strings, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return format_html('<script id="field-strings" type="application/json">{}</script>', mark_safe(data))


@register.simple_tag(takes_context=True)
def field_offline_pages(context):
    """The pages the service worker keeps once signed in (``field.views.offline_pages``)."""
    from field.views import offline_pages

    return " ".join(offline_pages(getattr(context.get("request"), "field", None)))


@register.simple_tag(takes_context=True)
def field_session(context):
    """The login's device session id the page's script tags its outbox entries with ("" signed
    out, and on the offline page, which is kept for anyone on the phone)."""
    user = context.get("user")
    request = context.get("request")
    if request is None or user is None or not user.is_authenticated:
        return ""
    return device_session(request) or ""


@register.simple_tag
def shown_location(record):
    """The phone's position on ``record`` as the current viewer may see it (``privacy.location``)."""
    return visible_location(record)
