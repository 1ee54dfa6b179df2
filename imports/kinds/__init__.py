"""The record types a spreadsheet can hold, one module per domain; each registers its types."""

from imports.kinds import communities, events  # noqa: F401
