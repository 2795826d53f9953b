from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casework.models import Organisation
from casework.webforms import UnitChoiceField
from rosters.parsing import IGNORE, mapping_key
from rosters.templates import KIND_CHOICES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册类型"), choices=KIND_CHOICES)
    organisation = UnitChoiceField(label=_("导入单位"), queryset=Organisation.objects.none())
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件。"))
        if upload.size > settings.ROSTER_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("文件不能超过 %(limit)s MB。") % {"limit": settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class MappingForm(forms.Form):
    """One choice per unknown header: which field of its sheet it holds, or leave it out."""

    def __init__(self, *args, unknown, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = {}
        for number, (sheet, header, section) in enumerate(unknown):
            name = f"col_{number}"
            choices = [(IGNORE, _("（忽略此列）"))] + [(c.field, c.header) for c in section.columns]
            self.fields[name] = forms.ChoiceField(
                label=f"{sheet} · {header}", choices=choices, required=False, initial=IGNORE
            )
            self.keys[name] = mapping_key(sheet, header)

    def mapping(self):
        return {self.keys[name]: value or IGNORE for name, value in self.cleaned_data.items()}
