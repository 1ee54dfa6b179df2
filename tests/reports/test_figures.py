"""The typed description of the figures document (reports.figures) against the document itself,
so that what mypy checks the PDF and the API against is what compute_indicators returns."""

import types
import typing

import pytest

from reports.api import IndicatorsSerializer
from reports.figures import IndicatorsDocument
from reports.indicators import Period, compute_indicators
from reports.selectors import scope_communities


def conforms(value, expected, path="document"):
    """Raise AssertionError where ``value`` does not have the shape of the type ``expected``."""
    origin = typing.get_origin(expected)
    if typing.is_typeddict(origin or expected):
        _typed_dict(value, expected, origin, path)
    elif origin in (typing.Union, types.UnionType):
        _one_of(value, typing.get_args(expected), path)
    elif origin is typing.Literal:
        assert value in typing.get_args(expected), path
    elif origin in (dict, list):
        _items(value, origin, typing.get_args(expected)[-1], path)
    else:
        _plain(value, expected, path)


def _typed_dict(value, expected, origin, path):
    hints = typing.get_type_hints(origin or expected)
    if origin is not None:  # a generic TypedDict (Figure[int]): put the arguments in
        parameters = dict(zip(origin.__parameters__, typing.get_args(expected), strict=True))
        hints = {key: parameters.get(hint, hint) for key, hint in hints.items()}
    assert isinstance(value, dict), path
    # NotRequired keys may be absent (read from the hints: with postponed annotations, Python 3.11's
    # __required_keys__ counts them as required).
    extras = typing.get_type_hints(origin or expected, include_extras=True)
    required = {key for key, hint in extras.items() if typing.get_origin(hint) is not typing.NotRequired}
    assert required <= set(value) <= set(hints), (
        f"{path}: {sorted((set(value) ^ set(hints)) - (set(hints) - required))}"
    )
    for key in value:
        conforms(value[key], hints[key], f"{path}.{key}")


def _one_of(value, options, path):
    errors = []
    for option in options:
        try:
            return conforms(value, option, path)
        except AssertionError as error:
            errors.append(str(error))
    raise AssertionError(f"{path}: {value!r} is none of {options} ({errors})")


def _items(value, container, item, path):
    assert isinstance(value, container), path
    if container is dict:
        assert all(isinstance(key, str) for key in value), path
        elements = ((f".{key}", element) for key, element in value.items())
    else:
        elements = ((f"[{index}]", element) for index, element in enumerate(value))
    for suffix, element in elements:
        conforms(element, item, path + suffix)


def _plain(value, expected, path):
    if expected is type(None):
        assert value is None, path
        return
    accepted = int | float if expected is float else expected
    assert isinstance(value, accepted), f"{path}: {value!r} is not {expected}"
    assert not isinstance(value, bool) or expected is bool, path


@pytest.mark.parametrize(("scope", "period"), [("programme", "2025"), ("programme", "2025-H1"), ("programme", "2010")])
def test_the_document_has_the_typed_shape(demo_programme, db, scope, period):
    document = compute_indicators(
        period=Period.parse(period), communities=scope_communities(scope=scope), programme_wide=True
    )
    conforms(document, IndicatorsDocument)


def test_the_api_serializer_names_every_part_of_the_document():
    assert set(IndicatorsSerializer().fields) == set(IndicatorsDocument.__annotations__)
