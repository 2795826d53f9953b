"""How one value of a bundle record is read: type, format, required or optional.

A field turns the JSON value into the Python value the model takes, or raises
:class:`Refusal` with a plain message; the importer prefixes it with the path.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MISSING = object()
MONEY_DIGITS = 14  # the amount columns' max_digits (12 digits of yuan, 2 of fen)


class Refusal(Exception):
    """A value (or record) the bundle may not carry; ``message`` says why in plain words."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = str(message)
        self.field = field  # the bundle field at fault, when a whole-record check finds it


class Field:
    """``attr`` is the model field the value goes to (defaults to the bundle name)."""

    empty = None

    def __init__(self, attr=None, *, required=True):
        self.attr = attr
        self.required = required

    def parse(self, raw):
        if raw is MISSING or raw is None or raw == "":
            if self.required:
                raise Refusal(_("缺少必填字段。"))
            return self.empty
        return self.convert(raw)

    def convert(self, raw):
        return raw

    def dump(self, value):
        return value


class Text(Field):
    empty = ""

    def convert(self, raw):
        if not isinstance(raw, str):
            raise Refusal(_("应为文本。"))
        return raw.strip()


class Date(Field):
    def convert(self, raw):
        if not isinstance(raw, str) or len(raw) != 10:
            raise Refusal(_("日期格式应为 YYYY-MM-DD。"))
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            raise Refusal(_("日期无效或格式不是 YYYY-MM-DD：%(v)s") % {"v": raw}) from None

    def dump(self, value):
        return value.isoformat() if value else None


class Money(Field):
    """Yuan, a decimal string or number with at most 2 decimals."""

    def convert(self, raw):
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise Refusal(_("金额应为数字或数字字符串。"))
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise Refusal(_("金额不是有效的数字：%(v)s") % {"v": raw}) from None
        if not value.is_finite():
            raise Refusal(_("金额不是有效的数字：%(v)s") % {"v": raw})
        if value.adjusted() >= MONEY_DIGITS - 2:
            raise Refusal(_("金额过大（整数部分最多 12 位）：%(v)s") % {"v": raw})
        if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
            raise Refusal(_("金额最多保留两位小数。"))
        return value.quantize(Decimal("0.01"))

    def dump(self, value):
        return None if value is None else f"{value:.2f}"


class Integer(Field):
    def convert(self, raw):
        if isinstance(raw, bool) or not isinstance(raw, int):
            if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
                raw = int(raw.strip())
            else:
                raise Refusal(_("应为整数。"))
        if raw < 0:
            raise Refusal(_("不能为负数。"))
        return raw


class Boolean(Field):
    empty = False

    def convert(self, raw):
        if not isinstance(raw, bool):
            raise Refusal(_("应为 true 或 false。"))
        return raw


class Words(Field):
    """A list of enumeration words (validated by the model)."""

    def __init__(self, attr=None, *, required=False):
        super().__init__(attr, required=required)

    @property
    def empty(self):
        return []

    def convert(self, raw):
        if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
            raise Refusal(_("应为文本列表。"))
        return list(raw)


class Ref(Field):
    """A reference by key to a record of list ``target`` (in the bundle or in the database)."""

    def __init__(self, target, attr=None, *, required=True):
        super().__init__(attr, required=required)
        self.target = target

    def convert(self, raw):
        if not isinstance(raw, str):
            raise Refusal(_("应为文本编号。"))
        return raw.strip()
