"""The record types a spreadsheet can hold, one module per domain; each registers its types."""

from imports.kinds import (  # noqa: F401
    communities,
    events,
    incidents,
    media,
    negotiators,
    programmes,
    registrations,
    training,
)
