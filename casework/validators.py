"""Validators shared by the models of every app: what a typed text and a code may hold.

* :data:`no_control_characters` — one rule for every text field of the project's models, attached by
  :func:`attach_text_validators` (called once from ``CaseworkConfig.ready``), so the web forms, the
  admin, the API and the bundle importer (all through ``full_clean``) refuse the same characters.
  Control characters cannot be typed, cannot be stored by PostgreSQL (NUL) or written to a
  spreadsheet, and only arrive by copy-paste or on purpose. Long free text (``TextField``) may keep
  tab and line breaks.
* :data:`code_validator` — unit codes, institution codes and record refs: letters, digits, ``-``,
  ``_`` and ``.`` only, so a code can name a file or a URL as it is.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class NoControlCharacters:
    """Refuses a text holding a control character (a plain callable, not a ``RegexValidator``: the API
    schema would publish a regex validator's pattern as one the text must match)."""

    def __init__(self, pattern, message):
        self.pattern = pattern
        self.message = message
        self.regex = re.compile(pattern)

    def __call__(self, value):
        if isinstance(value, str) and self.regex.search(value):
            raise ValidationError(self.message, code="control")

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and self.pattern == other.pattern


no_control_characters = NoControlCharacters(r"[\x00-\x1f\x7f]", _("不能包含控制字符（如换行、制表符等不可见字符）。"))
no_control_characters_in_text = NoControlCharacters(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", _("不能包含控制字符。"))

code_validator = RegexValidator(
    re.compile(r"\A\w[\w.-]*\Z"),
    message=_("只能包含字母、数字、“-”、“_”和“.”，不能以“-”或“.”开头。"),
    code="code",
)

PROJECT_APPS = ("casework", "beneficiaries", "aid", "employment", "notices", "stats", "rosters", "portal")


def attach_text_validators(models_):
    """Add the control-character rule to every text field of ``models_`` (their ``validators``).

    The rule goes on the field's computed ``validators`` rather than its ``validators=`` argument, so
    no migration carries it; ``full_clean`` and DRF's model serializers both read ``field.validators``.
    Encrypted columns (``editable=False``) hold tokens the code writes, and are left alone.
    """
    for model in models_:
        for field in model._meta.local_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or not field.editable:
                continue
            rule = no_control_characters_in_text if isinstance(field, models.TextField) else no_control_characters
            if rule not in field.validators:
                field.__dict__["validators"] = [*field.validators, rule]
