"""Turning what people type into spreadsheets into the exact values of a case bundle.

These functions only undo the accidents of spreadsheets (full-width characters,
Excel's number and date storage, thousands separators, Chinese labels for
enumerations). Whether a value is *acceptable* (a valid ID number, a known
reference, a positive amount) is decided once, by the bundle importer.
Each function raises :class:`CellError` with a message in Chinese.
"""

import datetime
import functools
import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell whose content cannot be read as the value its column needs."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def text(value):
    """Plain text: NFKC (full-width → half-width), no surrounding spaces; whole floats lose ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$", re.IGNORECASE)


def id_number(value):
    """A resident ID number as typed (upper-case X, no spaces); refuses cells Excel stored as numbers.

    Excel keeps 15 significant digits of a number, so an 18-digit ID number typed
    into a number cell shows as ``1.10101E+17`` and its last digits become zeros:
    the original number cannot be recovered and must be typed again as text.
    """
    if isinstance(value, bool):
        raise CellError(_("无法识别的身份证号码。"))
    if isinstance(value, str):
        # The apostrophe typed to make Excel keep the number as text (also as a Chinese quote mark).
        value = value.strip().lstrip("'‘’`＇")
    if isinstance(value, (int, float)) or (isinstance(value, str) and _SCIENTIFIC.match(value.strip())):
        raise CellError(
            _(
                "身份证号码被Excel存成了数字（显示为科学计数法如1.10101E+17，或末几位变成0），"
                "原号码已无法还原；请把该列设为“文本”格式后重新录入。"
            )
        )
    number = re.sub(r"\s+", "", text(value)).upper()
    return number


def phone(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", text(value))


EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _serial(number):
    # Excel's day numbers count from 1899-12-30 (it believes 1900 was a leap year,
    # which only matters before March 1900).
    if not 1 <= number < 2958466:
        raise CellError(_("日期数字超出范围。"))
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def date(value):
    """A date from a date cell, an Excel serial, or ``2014-9-1``, ``2014/9/1``, ``2014.9.1``, ``2014年9月1日``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("无法识别的日期。"))
    if isinstance(value, (int, float)):
        return _serial(value)
    raw = re.sub(r"\s+", "", text(value))
    # A date-time exported as text ("2014-09-01 00:00:00"): the time carries nothing.
    raw = re.sub(r"(T|(?<=\d))\d{1,2}:\d{2}(:\d{2})?$", "", raw)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise CellError(_("日期不存在：%(v)s。") % {"v": raw}) from None
    if re.fullmatch(r"\d{5}", raw):
        return _serial(int(raw))
    raise CellError(_("无法识别的日期“%(v)s”，请填写如 2014-09-01 的日期。") % {"v": raw})


_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
MONEY_INTEGER_DIGITS = 12  # the amount columns hold 14 digits, 2 of them after the point


def money(value):
    """Yuan as a decimal string; accepts ``12,345.50``, ``1200元``, ``￥300``."""
    if isinstance(value, bool):
        raise CellError(_("无法识别的金额。"))
    if isinstance(value, (int, float)):
        # repr of a float is its shortest exact decimal form: 1234.5, not 1234.4999…
        amount = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    else:
        raw = re.sub(r"[\s,，元¥￥]", "", text(value))
        # Plain digits only: "1e30" would be a number with thirty zeros.
        if not _PLAIN_NUMBER.match(raw):
            raise CellError(_("无法识别的金额“%(v)s”，请填写数字（单位：元）。") % {"v": text(value)})
        amount = Decimal(raw)
    if not amount.is_finite():
        raise CellError(_("无法识别的金额“%(v)s”，请填写数字（单位：元）。") % {"v": text(value)})
    if amount and amount.adjusted() >= MONEY_INTEGER_DIGITS:
        raise CellError(
            _("金额“%(v)s”过大（最多%(digits)s位整数，单位：元）。")
            % {"v": text(value), "digits": MONEY_INTEGER_DIGITS}
        )
    return format(amount, "f")


def integer(value):
    """A whole number; accepts ``3人``, ``12个月``, ``1,200``."""
    if isinstance(value, bool):
        raise CellError(_("请填写整数。"))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("请填写整数。"))
        return int(value)
    if isinstance(value, int):
        return value
    raw = re.sub(r"[\s,，]|人次|人|个月|个|月|家|年|届", "", text(value))
    if not re.fullmatch(r"-?\d+", raw):
        raise CellError(_("无法识别的整数“%(v)s”。") % {"v": text(value)})
    return int(raw)


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "不是", ""}


def boolean(value):
    """是/否 (also Y/N, √/×, 1/0); blank means no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("请填写“是”或“否”。"))


def _key(value):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()


@functools.cache
def _choice_lookup(choices, aliases, language):
    # Built once per enumeration and language: a roster has many rows, the labels do not change.
    lookup = {_key(code): code for code in choices.values}
    # The labels in Chinese and in every language of the interface, so the page and the worker read a file alike.
    for other in [None, *(code for code, _name in settings.LANGUAGES), language]:
        with translation.override(other):
            lookup.update({_key(label): code for code, label in choices.choices})
    lookup.update({_key(alias): code for alias, code in aliases})
    return lookup


def choice(value, choices, aliases=None):
    """The code of an enumeration, from its code or its Chinese label (or a listed alias)."""
    raw = text(value)
    code = _choice_lookup(choices, tuple(sorted((aliases or {}).items())), get_language()).get(_key(raw))
    if code is None:
        allowed = "、".join(str(label) for label in choices.labels)
        raise CellError(_("“%(v)s”不是可选值，可选：%(allowed)s。") % {"v": raw, "allowed": allowed})
    return str(code)


_LIST_SEPARATORS = re.compile(r"[、,，;；/／\s]+")


def choice_list(value, choices, aliases=None):
    """Several enumeration values in one cell, separated by 、 , ； or spaces."""
    parts = [p for p in _LIST_SEPARATORS.split(text(value)) if p]
    codes = []
    for part in parts:
        code = choice(part, choices, aliases)
        if code not in codes:
            codes.append(code)
    return codes


def header(value):
    """The comparable form of a column header: NFKC, no spaces, no required-marks or notes in brackets."""
    raw = _key(text(value))
    raw = raw.replace("*", "").replace("※", "")
    return raw


def header_stem(value):
    """A header without a trailing bracketed note such as ``（元）`` or ``(必填)``."""
    return re.sub(r"\([^)]*\)$", "", header(value))
