"""What a person reads for a stored value: a choice's label, not its code.

Lists built from model instances call ``get_FOO_display``; pages and reports built
from ``values()`` rows (the returns' drill-downs, the filing comparison) call
:func:`value_label` with the model and the field name, so both show the same words.
"""

from django.core.exceptions import FieldDoesNotExist


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
    return str(dict(field.flatchoices).get(value, value))


def list_label(model):
    """The name of a kind of record as people say it (its plural verbose name: 助学款, 就业…)."""
    return str(model._meta.verbose_name_plural)
