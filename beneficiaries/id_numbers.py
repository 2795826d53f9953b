"""Resident ID numbers (GB 11643): validation with python-stdnum, and what they tell."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def normalise(value):
    """Upper-case, no surrounding spaces: the form stored and hashed."""
    return (value or "").strip().upper()


def validate_id_number(value):
    """Return the normalised number or raise ``ValidationError`` saying what is wrong."""
    number = normalise(value)
    try:
        ric.validate(number)
    except InvalidLength:
        raise ValidationError(_("身份证号码应为18位。"), code="length") from None
    except InvalidFormat:
        raise ValidationError(_("身份证号码前17位应为数字，末位为数字或X。"), code="format") from None
    except InvalidChecksum:
        raise ValidationError(_("身份证号码校验位不正确。"), code="checksum") from None
    except InvalidComponent:
        raise ValidationError(_("身份证号码中的出生日期或地区代码无效。"), code="component") from None
    if birth_date(number) > timezone.localdate():
        raise ValidationError(_("身份证号码中的出生日期晚于今天。"), code="future")
    return number


def birth_date(number):
    return ric.get_birth_date(number)


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
