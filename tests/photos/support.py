"""Pictures for the photo tests: JPEGs with GPS in their EXIF, as a phone's camera writes them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
MAKE = 0x010F


def jpeg_with_gps(width: int = 2400, height: int = 1800, *, noise: bool = True) -> bytes:
    """A camera-like JPEG: a noisy picture (hard to compress), EXIF naming the camera and GPS
    coordinates (50.4501 N, 30.5234 E), and an ICC profile."""
    image = (
        Image.effect_noise((width, height), 64).convert("RGB") if noise else Image.new("RGB", (width, height), "red")
    )
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 27.0, 0.36), 3: "E", 4: (30.0, 31.0, 24.24)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif.tobytes(), icc_profile=b"\0" * 128)
    return buffer.getvalue()


def upload(content: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def has_metadata(content: bytes) -> list[str]:
    """What of EXIF, GPS, ICC or XMP ``content`` (a JPEG) still carries."""
    found = []
    if b"Exif\0\0" in content:
        found.append("EXIF")
    if b"ICC_PROFILE" in content:
        found.append("ICC")
    if b"http://ns.adobe.com/xap/" in content:
        found.append("XMP")
    with Image.open(io.BytesIO(content)) as image:
        exif = image.getexif()
        if exif:
            found.append("EXIF tags")
        if exif.get_ifd(GPS_IFD):
            found.append("GPS")
        if image.info.get("icc_profile"):
            found.append("ICC (info)")
    return found
