"""Helpers shared by the web forms of every app: scoped choices, the pickers, and service errors shown
next to fields."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.models import Organisation
from casework.scoping import scoped
from casework.selectors import unit_from_text
from casework.services import current_version

VERSION_FIELD = "version"


def add_service_errors(form, error):
    """Put a service's ``ValidationError`` on the form: each message next to its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            visible = field in form.fields and not form.fields[field].widget.is_hidden
            target = field if visible else None
            for message in messages:
                if target is None and field not in ("__all__", None, VERSION_FIELD):
                    # A rule about a field the form does not show (the preset person): said at the top, named.
                    label = form.fields[field].label if field in form.fields else field
                    message = f"{label}：{message}"
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes ISO dates only, whatever the language: without an
    explicit format Django renders a date in the active locale's format (``2013/03/04`` in Chinese), which
    a date input shows as empty, so an edit form would lose its dates."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class PickerInput(forms.TextInput):
    """A text input that searches as one types (``static/js/app.js``, ``data-picker``) against a scoped
    JSON endpoint and lists what it finds under the field; choosing one puts its label in the field.

    Without JavaScript it is a plain text field: the field it belongs to accepts what a person would
    type (a unit's code or exact name, a file number), checked within the same choices.
    """

    search_url_name = None  # the endpoint's URL name

    def __init__(self, attrs=None, *, scope=None):
        self.scope = scope
        defaults = {"autocomplete": "off", "spellcheck": "false", "data-picker": "", "class": "picker"}
        super().__init__({**defaults, **(attrs or {})})

    def search_url(self):
        url = reverse(self.search_url_name)
        return f"{url}?{urlencode({'scope': self.scope})}" if self.scope else url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-picker"] = self.search_url()
        return context


class UnitPicker(PickerInput):
    """A unit chosen by name (洛阳 → 河南省总工会 › 洛阳市总工会), not by a typed code.

    ``units`` (the choices the field allows) shows a code given as the value (``?org=410181`` in a
    link) as the unit's label; a code outside them is shown as it is, like any unknown text.
    """

    search_url_name = "unit-search"

    def __init__(self, attrs=None, *, scope=None, units=None):
        self.units = units
        attrs = {
            "placeholder": _("输入单位名称或代码查找"),
            "data-picker-empty": _("您管辖范围内没有名称或代码与此相符的单位。"),
            **(attrs or {}),
        }
        super().__init__(attrs, scope=scope)

    def format_value(self, value):
        if isinstance(value, Organisation):
            return str(value)
        if isinstance(value, int) and self.units is not None:
            unit = self.units.filter(pk=value).first()
            return str(unit) if unit else ""
        if isinstance(value, str) and value and self.units is not None:
            unit = self.units.filter(code=value.strip()).first()
            if unit is not None:
                return str(unit)
        return super().format_value(value)


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of ``queryset`` (the scoped choices), picked by name with :class:`UnitPicker`.

    Takes the unit's label (名称（代码）), its code, or its exact name when only one unit of the choices
    bears it; anything else, a unit outside the choices included, is refused as an unknown unit.
    """

    default_error_messages = {"invalid_choice": _("没有找到该单位（或不在您的管辖范围内）：请输入单位名称查找后选择。")}

    def __init__(self, queryset, *, scope=None, **kwargs):
        kwargs.setdefault("widget", UnitPicker(scope=scope))
        super().__init__(queryset, **kwargs)
        self.widget.units = self.queryset

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        if isinstance(getattr(self, "widget", None), UnitPicker):
            self.widget.units = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def prepare_value(self, value):
        return value  # the widget shows a unit, a pk or a code as the unit's label

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Organisation):
            value = value.code
        unit = unit_from_text(self.queryset, str(value))
        if unit is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return unit

    def has_changed(self, initial, data):
        initial_unit = initial if isinstance(initial, Organisation) else self.queryset.filter(pk=initial).first()
        try:
            unit = self.to_python(data)
        except forms.ValidationError:
            return True
        return (initial_unit.pk if initial_unit else None) != (unit.pk if unit else None)


class UnitCodeField(forms.CharField):
    """A unit of ``units`` picked by name, cleaned to the unit itself (for forms that are not ModelForms:
    the returns page, the ledgers)."""

    default_error_messages = UnitChoiceField.default_error_messages

    def __init__(self, *, units=None, scope=None, **kwargs):
        self.units = units
        kwargs.setdefault("widget", UnitPicker(scope=scope, units=units))
        super().__init__(**kwargs)

    def set_units(self, units):
        self.units = units
        self.widget.units = units

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        unit = unit_from_text(self.units if self.units is not None else Organisation.objects.none(), text)
        if unit is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return unit


def use_pickers(form, model, field_class, **kwargs):
    """Replace every choice of ``model`` rows on ``form`` (a select of them all) by ``field_class``, a picker
    with the same choices, label and help.

    An initial pk given in the page's address (``?household=12``) is a pk, as a select would take it.
    """
    for name, field in list(form.fields.items()):
        if not isinstance(field, forms.ModelChoiceField) or isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if field.queryset is None or field.queryset.model is not model:
            continue
        value = form.initial.get(name)
        if isinstance(value, str) and value.isdigit():
            form.initial[name] = int(value)
        if isinstance(field, field_class):
            continue
        form.fields[name] = field_class(
            field.queryset,
            required=field.required,
            label=field.label,
            help_text=field.help_text,
            initial=field.initial,
            disabled=field.disabled,
            **kwargs,
        )


class ScopedFormMixin:
    """Limits every related-object choice to the user's subtree and defaults the unit to the user's own.

    Forms take ``user=`` and a ``reason`` field (the change reason written to the history).
    An edit form also carries, hidden, the version of the record it was loaded with
    (:func:`casework.services.current_version`); the service refuses the save if the
    record changed since (:meth:`expected_version`).
    """

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("修改原因"), max_length=200, required=False, help_text=_("记入修改记录，可不填。")
        )
        edited = self.edited_record()
        if edited is not None and edited.pk and hasattr(type(edited), "history"):
            self.fields[VERSION_FIELD] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=current_version(edited)
            )
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "scope_path"):
                field.queryset = scoped(queryset, user)
        use_pickers(self, Organisation, UnitChoiceField)
        organisation = self.fields.get("organisation")
        if organisation is not None and not self.instance_pk() and user.organisation_id:
            organisation.initial = user.organisation_id

    def instance_pk(self):
        instance = getattr(self, "instance", None)
        return instance.pk if instance is not None else None

    def edited_record(self):
        """The record this form edits (``None`` on an add form)."""
        return getattr(self, "instance", None)

    def expected_version(self):
        """The version the form was loaded with, for the service's ``expected_version`` (``None``: not sent)."""
        return (self.cleaned_data.get(VERSION_FIELD) or "").strip() or None


def organisations_choice_field(user, **kwargs):
    return UnitChoiceField(
        queryset=scoped(Organisation.objects.all(), user), label=kwargs.pop("label", _("填报单位")), **kwargs
    )


def reason_or(form, default):
    return (form.cleaned_data.get("reason") or "").strip() or str(default)
