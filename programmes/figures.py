"""The catalogue of the figures a computed indicator may name (``events.count``, ``media.reach``).

The figures are computed by ``reports`` (``reports.indicators``), which programmes may not
import: ``reports`` registers a provider here when it starts (its ``AppConfig.ready``), and the
indicators' validation and the admin's choice ask :func:`known`.
"""

from collections.abc import Callable

FigureProvider = Callable[[], dict[str, str]]

_providers: list[FigureProvider] = []


def register(provider: FigureProvider) -> None:
    """Add ``provider``: a function returning ``{figure key: label}``. Registering the same
    function twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)


def known() -> dict[str, str]:
    """Every figure key with its label, in the providers' order; empty before any registered."""
    figures: dict[str, str] = {}
    for provider in _providers:
        figures.update(provider())
    return figures
