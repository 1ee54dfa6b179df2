"""What this app holds of people, registered with ``privacy`` (from ``SupportConfig.ready``).

A mediator is a person of the speakers' directory (``events.Person``, kind ``speaker``): erasing
them empties the name and contacts there. Their roster entry and the activities they took part in
join their subject-access export here. The activities' internal notes (where the names of the
people interviewed are written) and the recommendations' evidence are free text: erasing anyone
replaces their name there too.
"""

from typing import Any

from privacy.registry import register_free_text, register_person_links

SPEAKER = "speaker"  # events.privacy.SPEAKER: the kind of an events.Person


def _mediator_links(person: Any) -> Any:
    from support.models import Mediator

    mediator = Mediator.objects.filter(person=person).first()
    if mediator is None:
        return None
    return {
        "training": mediator.training,
        "certified_on": mediator.certified_on.isoformat() if mediator.certified_on else None,
        "certification_body": mediator.certification_body,
        "languages": mediator.languages,
        "active": mediator.is_active,
        "activities": [
            {
                "engagement": activity.engagement_id,
                "community": str(activity.engagement.community),
                "line": activity.line,
                "step": activity.step,
                "date": activity.date.isoformat(),
                "hours": float(activity.hours),
            }
            for activity in mediator.activities.select_related("engagement__community").order_by("date", "pk")
        ],
    }


def register() -> None:
    register_person_links(SPEAKER, "mediator", _mediator_links)
    register_free_text("support.Activity", ("notes",))
    register_free_text("support.Recommendation", ("evidence",))
