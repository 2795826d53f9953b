"""Request parameters and representations of the statistics API (validation only; the work is in selectors)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from stats.models import Attachment, ReturnFiling, ReturnSubmission
from stats.selectors import parse_moment


class ReturnQuerySerializer(serializers.Serializer):
    attachment = serializers.ChoiceField(choices=Attachment.choices, label=_("附件"))
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    org = serializers.CharField(max_length=32, label=_("填报单位代码"))
    cutoff = serializers.DateField(required=False, label=_("统计截止日期"))
    as_recorded_at = serializers.CharField(required=False, allow_blank=True, label=_("数据时点（ISO 8601）"))
    download = serializers.ChoiceField(choices=["xlsx", "html"], required=False, label=_("下载格式"))

    def validate_as_recorded_at(self, value):
        try:
            return parse_moment(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["as_recorded_at"]) from None

    def validate(self, data):
        if data.get("cutoff") and data["cutoff"].year != data["year"]:
            raise serializers.ValidationError({"cutoff": _("统计截止日期必须在报告年度内。")})
        return data


class DrilldownQuerySerializer(ReturnQuerySerializer):
    cell = serializers.CharField(max_length=64, label=_("项目编号"))
    limit = serializers.IntegerField(min_value=1, max_value=5000, required=False, default=500)


class YearOrgQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    org = serializers.CharField(max_length=32, label=_("单位代码"))
    cutoff = serializers.DateField(required=False, label=_("统计截止日期"))


class FilingExportQuerySerializer(serializers.Serializer):
    # "format" is taken by DRF's content negotiation, hence "as".
    def get_fields(self):
        return {"as": serializers.ChoiceField(choices=["xlsx", "html"], label=_("导出格式"))}


class ReturnFilingSerializer(serializers.ModelSerializer):
    org = serializers.CharField(source="organisation.code", read_only=True)
    org_name = serializers.CharField(source="organisation.name", read_only=True)
    filed_by = serializers.CharField(source="filed_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ReturnFiling
        fields = [
            "id",
            "org",
            "org_name",
            "attachment",
            "year",
            "cutoff",
            "preparer",
            "phone",
            "filed_by",
            "filed_at",
            "content_hash",
            "figures",
        ]
        read_only_fields = fields


class ReturnFilingCreateSerializer(serializers.Serializer):
    attachment = serializers.ChoiceField(choices=Attachment.choices, label=_("附件"))
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    org = serializers.CharField(max_length=32, label=_("填报单位代码"))
    cutoff = serializers.DateField(required=False, label=_("统计截止日期"))
    preparer = serializers.CharField(max_length=64, label=_("填报人"))
    phone = serializers.CharField(max_length=32, label=_("联系电话"))


class ReturnSubmissionSerializer(serializers.ModelSerializer):
    org = serializers.CharField(source="organisation.code", read_only=True)
    org_name = serializers.CharField(source="organisation.name", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True, default=None, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)
    content_hash = serializers.CharField(source="filing.content_hash", read_only=True)

    class Meta:
        model = ReturnSubmission
        fields = [
            "id",
            "org",
            "org_name",
            "attachment",
            "year",
            "cutoff",
            "version",
            "status",
            "filing",
            "content_hash",
            "summary_name",
            "summary_type",
            "summary_size",
            "note",
            "missing",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = fields


class ReturnSubmitSerializer(ReturnFilingCreateSerializer):
    summary = serializers.FileField(label=_("书面总结（PDF、DOCX、XLSX 或 ODT）"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("说明"))


class SubmissionDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("审核意见"))


class SubmissionBoardQuerySerializer(serializers.Serializer):
    attachment = serializers.ChoiceField(choices=Attachment.choices, label=_("附件"))
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    org = serializers.CharField(max_length=32, label=_("单位代码"))
    cutoff = serializers.DateField(required=False, label=_("统计截止日期"))


class DeadlineSetSerializer(SubmissionBoardQuerySerializer):
    due = serializers.DateField(label=_("下级上报期限"))
