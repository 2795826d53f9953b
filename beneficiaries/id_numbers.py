"""Resident ID numbers (GB 11643): validation, and what they tell.

A number is accepted when its check digit is right, its birth date is a real day neither in
the future nor before 1900, and its region code is one that has existed at some time up to
today. The region is not tied to the birth date, as python-stdnum's own check does: a code is
assigned when the number is issued, often years after the birth (巩义 became 410181 in 1991,
and a 巩义 resident born in 1985 holds a 410181 number). python-stdnum's table of codes with
the years they were in use (``stdnum/cn/loc.dat``) says which codes have existed.
"""

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

from casework.dates import is_future

_SHAPE = re.compile(r"\d{17}[\dX]")
EARLIEST_BIRTH_YEAR = 1900


def normalise(value):
    """Upper-case, no surrounding spaces: the form stored and hashed."""
    return (value or "").strip().upper()


def validate_id_number(value):
    """Return the normalised number or raise ``ValidationError`` saying what is wrong."""
    number = normalise(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位。"), code="length")
    if not _SHAPE.fullmatch(number):
        raise ValidationError(_("身份证号码前17位应为数字，末位为数字或X。"), code="format")
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(_("身份证号码校验位不正确。"), code="checksum")
    try:
        born = birth_date(number)
    except ValueError:
        born = None
    if born is None or born.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="component")
    if is_future(born):
        raise ValidationError(_("身份证号码中的出生日期晚于今天。"), code="future")
    if not region_has_existed(number[:6]):
        raise ValidationError(_("身份证号码中的地区代码 %(code)s 不存在。") % {"code": number[:6]}, code="region")
    return number


def region_has_existed(code, *, today=None):
    """True if the 6-digit region code has been in use at some time up to ``today`` (default: today)."""
    since = _region_since(code)
    return since is not None and since <= (today or datetime.date.today()).year


@functools.cache
def _region_since(code):
    """The first year ``code`` was in use (0: before the table's records begin), None if never."""
    info = {key: value for _part, props in numdb.get("cn/loc").info(code) for key, value in props.items()}
    starts = []
    # "县名" (always), or "[1983-1991]巩县,[1991-]巩义市": the years each name held the code.
    for name in filter(None, info.get("county", "").split(",")):
        if not name.startswith("["):
            return 0
        start = name[1:].split("]", 1)[0].split("-", 1)[0]
        starts.append(int(start) if start.isdigit() else 0)
    return min(starts, default=None)


def birth_date(number):
    """The birth date of a well-formed number (``ValueError`` when it is not a real day)."""
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number):
    """``male`` for an odd order code, ``female`` for an even one."""
    return "male" if int(number[16]) % 2 else "female"


def mask(number):
    """First 6 and last 4 characters, the rest as asterisks (as on a public notice)."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make_id_number(region, born, order):
    """Build a valid number (for factories and synthetic data)."""
    body = f"{region}{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


VALID_REGIONS = ("110101", "110102", "110105", "410000", "410100", "120101")


def sample_id_number(seq, *, born=datetime.date(1980, 1, 1)):
    """A deterministic valid number for the ``seq``-th sample person."""
    region = VALID_REGIONS[seq % len(VALID_REGIONS)]
    day = born + datetime.timedelta(days=(seq // len(VALID_REGIONS)) // 1000)
    return make_id_number(region, day, (seq // len(VALID_REGIONS)) % 1000)
