"""Helpers shared by the web forms of every app: scoped choices and service errors shown next to fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Organisation
from casework.scoping import scoped
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
    return forms.ModelChoiceField(
        queryset=scoped(Organisation.objects.all(), user), label=kwargs.pop("label", _("填报单位")), **kwargs
    )


def reason_or(form, default):
    return (form.cleaned_data.get("reason") or "").strip() or str(default)
