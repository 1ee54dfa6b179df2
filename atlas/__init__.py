"""Maps drawn on the server: the country and region outlines that ship with the portal, and the
SVG that places communities on them (for the portal's pages and the PDF reports alike)."""
