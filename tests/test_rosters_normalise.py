"""What people type into roster spreadsheets, read as bundle values."""

import datetime
from decimal import Decimal

import pytest

from aid.choices import Source
from beneficiaries.choices import HardshipReason, HouseholdKind
from rosters import normalise
from rosters.normalise import CellError

D = datetime.date


@pytest.mark.parametrize(
    "value",
    [110101198001010011, 1.10101198001010e17, "1.10101E+17", "4.10102E+17"],
)
def test_id_number_stored_as_a_number_is_refused_saying_so(value):
    with pytest.raises(CellError) as error:
        normalise.id_number(value)
    assert "存成了数字" in error.value.message
    assert "文本" in error.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  11010119800101001x ", "11010119800101001X"),  # lower-case x, surrounding spaces
        ("１１０１０１１９８００１０１００１Ｘ", "11010119800101001X"),  # full-width digits and letter
        ("110101 19800101 001X", "11010119800101001X"),  # spaces inside
        ("ＩＤ１２３", "ID123"),  # NFKC; the importer judges whether it is a valid number
    ],
)
def test_id_number_text_is_normalised(value, expected):
    assert normalise.id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(2014, 9, 1, 0, 0), D(2014, 9, 1)),
        (D(2014, 9, 1), D(2014, 9, 1)),
        (41883, D(2014, 9, 1)),  # Excel serial: 41883 days after 1899-12-30
        (41883.0, D(2014, 9, 1)),
        ("41883", D(2014, 9, 1)),
        ("2014.9.1", D(2014, 9, 1)),
        ("2014/9/1", D(2014, 9, 1)),
        ("2014-09-01", D(2014, 9, 1)),
        ("2014年9月1日", D(2014, 9, 1)),
        ("２０１４年９月１日", D(2014, 9, 1)),
        (" 2014 年 9 月 1 日 ", D(2014, 9, 1)),
        ("20140901", D(2014, 9, 1)),
        ("2014-09-01 00:00:00", D(2014, 9, 1)),
    ],
)
def test_dates(value, expected):
    assert normalise.date(value) == expected


@pytest.mark.parametrize("value", ["2014.13.1", "2014-02-30", "九月一日", "yesterday"])
def test_bad_dates(value):
    with pytest.raises(CellError) as error:
        normalise.date(value)
    assert "日期" in error.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12,345.50", Decimal("12345.50")),
        ("1200元", Decimal("1200")),
        ("１，２００．５元", Decimal("1200.5")),
        ("￥300", Decimal("300")),
        (" 2,000 元 ", Decimal("2000")),
        (1234.5, Decimal("1234.5")),
        (500, Decimal("500")),
        ("-50", Decimal("-50")),  # negative passes through: the importer refuses it
    ],
)
def test_money(value, expected):
    assert Decimal(normalise.money(value)) == expected


def test_money_refuses_words():
    with pytest.raises(CellError) as error:
        normalise.money("两千元")
    assert "金额" in error.value.message


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), ("3人", 3), ("12个月", 12), ("1,200", 1200)])
def test_integer(value, expected):
    assert normalise.integer(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("是", True), ("否", False), (None, False), ("√", True), ("Y", True), (0, False)]
)
def test_boolean(value, expected):
    assert normalise.boolean(value) is expected


def test_choice_by_label_code_or_alias():
    assert normalise.choice("困难职工", HouseholdKind) == "worker"
    assert normalise.choice(" 困难农民工 ", HouseholdKind) == "migrant_worker"
    assert normalise.choice("migrant_worker", HouseholdKind) == "migrant_worker"
    assert normalise.choice("农民工", HouseholdKind, {"农民工": "migrant_worker"}) == "migrant_worker"
    assert normalise.choice("社会捐助", Source) == "social_donation"
    with pytest.raises(CellError) as error:
        normalise.choice("贫困户", HouseholdKind)
    assert "困难职工、困难农民工" in error.value.message


def test_choice_list():
    assert normalise.choice_list("因病、因学，因病", HardshipReason) == ["illness", "education"]
    assert normalise.choice_list("", HardshipReason) == []


def test_headers_compare_without_marks_spaces_or_width():
    assert normalise.header("*身份证 号码") == normalise.header("身份证号码")
    assert normalise.header_stem("金额（元）") == normalise.header("金额")
