"""An optional raster tile layer under the maps, for the browser only (``MAP_TILE_URL``).

The portal sends no request anywhere by default: the maps are SVG drawn from the outlines in
``atlas/data/``. When ``MAP_TILE_URL`` names a tile server (``https://tiles.example.org/{z}/{x}/{y}.png``),
``static/js/map_tiles.js`` lays its tiles under each map of a page in the browser, and the
Content-Security-Policy lets images come from that origin (:func:`tile_origin`). The PDF never
has tiles."""

from urllib.parse import urlsplit

PLACEHOLDERS = ("{z}", "{x}", "{y}")


def tile_origin(url: str) -> str:
    """The origin (``https://host[:port]``) of the tile URL template ``url``, for the CSP's img-src.

    Raises ``ValueError`` for a template that is not http(s) or lacks one of ``{z}``, ``{x}``, ``{y}``."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or "{" in parts.netloc:
        raise ValueError(f"MAP_TILE_URL must be an http(s) URL with a fixed host, not {url[:80]!r}")
    missing = [placeholder for placeholder in PLACEHOLDERS if placeholder not in url]
    if missing:
        raise ValueError(f"MAP_TILE_URL lacks {', '.join(missing)}: {url[:80]!r}")
    return f"{parts.scheme}://{parts.netloc}"
