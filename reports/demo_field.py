"""The demo's phone extras: the demo negotiator's latest open case carries the phone's location and
a photo, and their latest event the phone's location, so that *place* and *photos* show on the
first pages a new user opens (the case list's first card, home's last event)."""

from decimal import Decimal
from io import BytesIO

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from incidents.models import CLOSED_STATUSES, Incident
from negotiators.models import OutreachEvent
from photos.models import Photo
from photos.services import photo_attach

# A phone's fix a few hundred metres from the community's centre, and how precise it was.
OFFSET = Decimal("0.00310")
ACCURACY_M = 14


def demo_picture() -> ContentFile:
    """A picture as a phone would send it: a yard with a broken fence (drawn, not a real photo)."""
    image = Image.new("RGB", (960, 720), (152, 196, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, 960, 720), fill=(104, 142, 84))
    draw.rectangle((120, 190, 520, 520), fill=(214, 196, 168), outline=(90, 80, 70), width=6)
    for left in range(150, 500, 90):
        draw.rectangle((left, 240, left + 50, 310), fill=(70, 96, 128))
    for left in range(560, 940, 36):
        lean = 18 if left in (668, 704) else 0
        draw.polygon([(left, 600), (left + 18, 600), (left + 18 + lean, 470), (left + lean, 470)], fill=(122, 86, 52))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="demo-yard.jpg")


def near(community, shift: int) -> tuple[Decimal, Decimal] | None:
    if community.latitude is None or community.longitude is None:
        return None
    return community.latitude + OFFSET * shift, community.longitude - OFFSET * shift


@transaction.atomic
def seed_demo_field() -> None:
    negotiator = User.objects.filter(username="negotiator").first()
    if negotiator is None:
        return
    mine = Incident.objects.filter(community__negotiators__user=negotiator)
    incident = mine.exclude(status__in=CLOSED_STATUSES).order_by("-occurred_at", "-pk").first()
    if incident is not None and not Photo.objects.filter(incident=incident).exists():
        point = near(incident.community, 1)
        if point is not None:
            Incident.objects.filter(pk=incident.pk).update(
                latitude=point[0], longitude=point[1], location_accuracy_m=ACCURACY_M
            )
        photo_attach(record=incident, uploaded_file=demo_picture(), actor=negotiator)
    event = OutreachEvent.objects.filter(community__negotiators__user=negotiator).order_by("-date", "-pk").first()
    if event is not None and event.latitude is None:
        point = near(event.community, -1)
        if point is not None:
            OutreachEvent.objects.filter(pk=event.pk).update(
                latitude=point[0], longitude=point[1], location_accuracy_m=ACCURACY_M
            )
