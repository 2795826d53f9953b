"""What a person reads for a stored value: a choice's label, not its code.

Lists built from model instances call ``get_FOO_display``; pages and reports built
from ``values()`` rows (the returns' drill-downs, the filing comparison) call
:func:`value_label` with the model and the field name, so both show the same words.
"""

import functools

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language


@functools.lru_cache(maxsize=1024)
def _labels(field, language):
    """``{code: label}`` of a choice field in ``language`` (built once: a list of 10,000 rows asks 10,000 times)."""
    return {code: str(label) for code, label in field.flatchoices}


def choice_label(field, value):
    """The label of ``value`` of the choice field ``field``, in the active language; an unknown code as it is.
    What ``get_FOO_display`` gives, without rebuilding and hashing the field's choices on every call."""
    if value is None or value == "":
        return value
    return _labels(field, get_language()).get(value, value)


def value_label(model, name, value):
    """The label of ``value`` when ``name`` is a choice field of ``model`` (``laid_off`` → 下岗失业人员);
    any other value as it is."""
    if value is None or value == "":
        return value
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if not field.choices:
        return value
    return choice_label(field, value)


def list_label(model):
    """The name of a kind of record as people say it (its plural verbose name: 助学款, 就业…)."""
    return str(model._meta.verbose_name_plural)
