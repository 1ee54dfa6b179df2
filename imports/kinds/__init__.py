"""The record types a spreadsheet can hold, one module per domain; each registers its types."""

from imports.kinds import events, media, programmes, registrations  # noqa: F401
