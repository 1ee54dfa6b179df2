from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from imports.cells import (
    CellError,
    is_blank,
    normalise_header,
    normalise_name,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from imports.readers import Formula
from negotiators.models import EventKind

FORMULA_ERROR = "This cell holds a formula (=A1+1); type the value instead."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def error_of(parse, value, **options) -> str:
    with pytest.raises(CellError) as raised:
        parse(value, **options)
    return str(raised.value)


@pytest.mark.parametrize("parse", [parse_text, parse_date, parse_int, parse_decimal, parse_bool])
def test_every_parser_refuses_a_formula_asking_for_the_value(parse):
    assert error_of(parse, Formula("=A1+1")) == FORMULA_ERROR


def test_a_choice_refuses_a_formula_too():
    assert error_of(parse_choice, Formula("=A1+1"), choices=EventKind.choices) == FORMULA_ERROR


# --- Headers and names ----------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Дата *", "дата", "  ДАТА:", "«Дата» *", '"Дата"', "Дата*:"])
def test_headers_match_without_case_star_colon_or_quotes(header):
    assert normalise_header(header) == "дата"


def test_a_header_keeps_single_spaces_between_its_words():
    assert normalise_header("  Кількість \n  учасників * ") == "кількість учасників"


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ", "‘", "`", "´", "′", "ʹ"])
def test_names_match_with_any_apostrophe(apostrophe):
    assert normalise_name(f" Кам{apostrophe}янець-Подільська  громада") == "кам'янець-подільська громада"


def test_names_match_composed_and_decomposed():
    assert normalise_name("Ї") == normalise_name("І\u0308") == "ї"


# --- Text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        ("  Bucha ", "Bucha"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (Decimal("7.00"), "7"),
        (date(2023, 3, 14), "14.03.2023"),
    ],
)
def test_text_from_any_cell(value, text):
    assert parse_text(value) == text


def test_text_longer_than_the_limit_is_refused_naming_it():
    assert parse_text("abcde", max_length=5) == "abcde"
    assert error_of(parse_text, "abcdef", max_length=5) == "Write at most 5 characters here; this cell has 6."


# --- Dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "14.03.2023",
        "4.3.2023 ",
        "14/03/2023",
        "2023-03-14",
        "14.03.23",
        "14.03.2023 р.",
        "2023-03-14 00:00:00",
        "2023-03-14T10:30:00",
        date(2023, 3, 14),
        datetime(2023, 3, 14, 10, 30),
    ],
)
def test_a_date_in_any_of_its_forms(value):
    expected = date(2023, 3, 4) if str(value).startswith("4.3.") else date(2023, 3, 14)
    assert parse_date(value) == expected


def test_an_impossible_date_is_refused_saying_so():
    message = error_of(parse_date, "31.02.2023")
    assert message == "There is no such date as 31.02.2023. Write the date as DD.MM.YYYY, for example 14.03.2023."


@pytest.mark.parametrize("value", ["14 March 2023", "03.14", "14.03.2023 and later", "", None, 45000, True])
def test_what_is_not_a_date_is_refused_with_the_form_to_use(value):
    assert error_of(parse_date, value) == "Write the date as DD.MM.YYYY, for example 14.03.2023."


# --- Whole numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [1234, 1234.0, Decimal("1234"), "1234", "1 234", "1\u00a0234", "1\u202f234", "1,234", "1234.0", " +1234 "]
)
def test_a_whole_number_in_any_of_its_forms(value):
    assert parse_int(value) == 1234


@pytest.mark.parametrize("value", ["1.5", "1,5", "1.234", 1.5, "twelve", "", None, True, "12 people"])
def test_what_is_not_a_whole_number_is_refused_with_an_example(value):
    assert error_of(parse_int, value) == "Write a whole number, for example 12."


def test_a_number_below_the_minimum_is_refused_naming_it():
    assert error_of(parse_int, "-3") == "Write a whole number, 0 or more."
    assert error_of(parse_int, 0, minimum=1) == "Write a whole number, 1 or more."
    assert parse_int("−3", minimum=None) == -3


def test_a_number_too_large_for_a_column_is_refused():
    assert error_of(parse_int, "99 999 999 999") == "Write a whole number, 2147483647 or less."
    assert parse_int("99 999 999 999", maximum=None) == 99_999_999_999


# --- Decimals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("50,4501", Decimal("50.4501")),
        ("50.4501", Decimal("50.4501")),
        ("1 234,5", Decimal("1234.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1,234,567", Decimal("1234567")),
        ("-0,5", Decimal("-0.5")),
        (50.4501, Decimal("50.4501")),
        (12, Decimal("12")),
    ],
)
def test_a_decimal_in_any_of_its_forms(value, number):
    assert parse_decimal(value) == number


def test_a_decimal_is_rounded_to_its_places():
    assert parse_decimal(0.1 + 0.2, places=2) == Decimal("0.30")
    assert parse_decimal("50,45015", places=4) == Decimal("50.4502")


@pytest.mark.parametrize("value", ["fifty", "1,2.3.4", "", None, True, float("nan"), "12 %"])
def test_what_is_not_a_decimal_is_refused_with_an_example(value):
    assert error_of(parse_decimal, value) == "Write a number, for example 12,5 or 12.5."


# --- Yes or no ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [True, 1, 1.0, "1", "x", "X", "yes", "Yes", "TRUE", "так", "Так", "ano", "да", "ИСТИНА", "ІСТИНА"]
)
def test_yes_in_any_of_its_forms(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", [False, 0, "0", "", None, "no", "FALSE", "ні", "Ні", "ne", "нет", "ЛОЖЬ"])
def test_no_in_any_of_its_forms(value):
    assert parse_bool(value) is False


def test_what_is_neither_yes_nor_no_is_refused_listing_the_words():
    message = "Write “yes” or “no” (1 or 0 also do; “x” is yes and an empty cell no)."
    assert error_of(parse_bool, "maybe") == message
    assert error_of(parse_bool, 2) == message


# --- Choices --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["round_table", "Round table", "round  TABLE", "Круглий стіл", "круглий стіл", "Kulatý stůl", "Круглый стол"],
)
def test_a_choice_by_its_value_or_its_label_in_any_language(value):
    assert parse_choice(value, EventKind.choices) == EventKind.ROUND_TABLE


def test_a_choice_matches_whatever_the_active_language():
    with translation.override("cs"):
        assert parse_choice("Пресконференція", EventKind.choices) == EventKind.PRESS_CONFERENCE


def test_a_choice_matches_a_label_with_another_apostrophe():
    choices = [("kamianets", "Кам'янець-Подільська")]
    assert parse_choice("КАМ’ЯНЕЦЬ-ПОДІЛЬСЬКА", choices) == "kamianets"


def test_an_unknown_choice_is_refused_listing_the_labels_in_the_active_language():
    message = error_of(parse_choice, "Concert", choices=EventKind.choices)
    assert message.startswith("Write one of: “Information session”, “Round table”, “Public meeting”,")
    assert message.endswith("“Advocacy action”.")


def test_a_blank_choice_is_refused():
    assert error_of(parse_choice, None, choices=EventKind.choices).startswith("Write one of:")


# --- Blank ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "blank"), [(None, True), ("", True), ("  \n", True), (0, False), ("x", False)])
def test_blank_cells(value, blank):
    assert is_blank(value) is blank


def test_a_formula_is_not_blank():
    assert is_blank(Formula("=A1")) is False
