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
        hints = typing.get_type_hints(origin or expected)
        if origin is not None:  # a generic TypedDict (Figure[int]): put the arguments in
            parameters = dict(zip(origin.__parameters__, typing.get_args(expected), strict=True))
            hints = {key: parameters.get(hint, hint) for key, hint in hints.items()}
        assert isinstance(value, dict), path
        assert set(value) == set(hints), f"{path}: {sorted(set(value) ^ set(hints))}"
        for key, hint in hints.items():
            conforms(value[key], hint, f"{path}.{key}")
    elif origin in (typing.Union, types.UnionType):
        errors = []
        for option in typing.get_args(expected):
            try:
                return conforms(value, option, path)
            except AssertionError as error:
                errors.append(str(error))
        raise AssertionError(f"{path}: {value!r} is none of {expected} ({errors})")
    elif origin is typing.Literal:
        assert value in typing.get_args(expected), path
    elif origin is dict:
        _key, item = typing.get_args(expected)
        assert isinstance(value, dict), path
        for key, element in value.items():
            assert isinstance(key, str), path
            conforms(element, item, f"{path}.{key}")
    elif origin is list:
        (item,) = typing.get_args(expected)
        assert isinstance(value, list), path
        for index, element in enumerate(value):
            conforms(element, item, f"{path}[{index}]")
    elif expected is type(None):
        assert value is None, path
    elif expected is float:
        assert isinstance(value, int | float), f"{path}: {value!r}"
        assert not isinstance(value, bool), path
    elif expected is int:
        assert isinstance(value, int), f"{path}: {value!r}"
        assert not isinstance(value, bool), path
    else:
        assert isinstance(value, expected), f"{path}: {value!r} is not {expected}"


@pytest.mark.parametrize(("scope", "period"), [("programme", "2025"), ("programme", "2025-H1"), ("programme", "2010")])
def test_the_document_has_the_typed_shape(demo_programme, db, scope, period):
    document = compute_indicators(
        period=Period.parse(period), communities=scope_communities(scope=scope), programme_wide=True
    )
    conforms(document, IndicatorsDocument)


def test_the_api_serializer_names_every_part_of_the_document():
    assert set(IndicatorsSerializer().fields) == set(IndicatorsDocument.__annotations__)
