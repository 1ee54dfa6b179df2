"""Attribution of activity records (outreach events, media mentions, training sessions,
incidents, engagements, safety assessments) to a programme: the rules, written once.

A record belongs to the programme its community takes part in on the record's date; a record
without a community (a media mention about the whole programme, a session without a host
community) to a programme running that day. The write paths name a programme or leave it to
:func:`current_programme`; the records' ``clean()`` calls :meth:`Programme.attribute`, so the
admin, the API, the field app, the commands and the seed all go through the same check."""

from datetime import date

from communities.models import Community
from programmes.models import Programme


def current_programme(community: Community | None, on: date) -> Programme | None:
    """The programme ``community`` takes part in on ``on``: the most recently started if several.
    Without a community: the most recently started programme running that day."""
    return Programme.current_for(community, on)


def check_attribution(programme: Programme, community: Community | None, on: date) -> None:
    """Raise ``ValidationError`` (on ``programme``, naming the community, the programme's code and
    the date) when ``community`` does not take part in ``programme`` on ``on``; for a record
    without a community, when the programme does not run that day."""
    programme.check_attribution(community, on)
