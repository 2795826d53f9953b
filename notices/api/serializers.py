from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from beneficiaries.api.serializers import org_field
from beneficiaries.models import Person
from casework.api.base import ScopedModelSerializer
from casework.scoping import scoped
from notices.choices import NoticeKind
from notices.models import Notice, NoticeEntry, Objection


class NoticeEntrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number_masked = serializers.CharField(source="person.id_number_masked", read_only=True)

    class Meta:
        model = NoticeEntry
        fields = ["id", "person", "name", "id_number_masked", "amount", "struck_off"]
        read_only_fields = fields


class EntryInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        fields["person"].queryset = scoped(Person.objects.all(), getattr(request, "user", None))
        return fields


class ObjectionSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Objection
        fields = ["id", "person", "person_name", "raised_on", "content", "upheld", "decided_on", "decided_by"]
        read_only_fields = ["upheld", "decided_on", "decided_by"]
        extra_kwargs = {"person": {"queryset": Person.objects.all()}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        fields["person"].queryset = scoped(Person.objects.all(), getattr(request, "user", None))
        return fields


class NoticeSerializer(ScopedModelSerializer):
    organisation = org_field()
    entries = NoticeEntrySerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)
    entries_input = EntryInputSerializer(many=True, write_only=True, required=False, source="entry_rows")
    period_days = serializers.IntegerField(write_only=True, required=False, min_value=1, max_value=366)
    ends_on = serializers.DateField(required=False)
    period_state = serializers.CharField(read_only=True)
    replaced_by = serializers.SerializerMethodField()
    photo_attached_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "ref",
            "organisation",
            "title",
            "kind",
            "posted_at",
            "contact",
            "starts_on",
            "ends_on",
            "period_days",
            "period_state",
            "mask_names",
            "status",
            "published_on",
            "withdrawn_on",
            "withdrawn_reason",
            "replaces",
            "replaced_by",
            "entries",
            "entries_input",
            "objections",
            "photo_name",
            "photo_attached_by",
            "photo_attached_at",
        ]
        read_only_fields = [
            "ref",
            "status",
            "published_on",
            "withdrawn_on",
            "withdrawn_reason",
            "replaces",
            "photo_name",
            "photo_attached_at",
        ]

    def get_replaced_by(self, notice) -> int | None:
        following = notice.replaced_by.all()
        return following[0].pk if following else None

    def validate(self, attrs):
        if self.instance is None and not attrs.get("entry_rows"):
            raise serializers.ValidationError({"entries_input": _("公示名单不能为空。")})
        return attrs


class PublishSerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text=_("发布日期（默认今天）"))


class WithdrawSerializer(serializers.Serializer):
    withdrawn_reason = serializers.CharField(max_length=300)
    day = serializers.DateField(required=False)


class ReplaceSerializer(serializers.Serializer):
    withdrawn_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    starts_on = serializers.DateField(required=False)
    period_days = serializers.IntegerField(required=False, min_value=1, max_value=366)
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=NoticeKind.choices, required=False)
    posted_at = serializers.CharField(max_length=200, required=False)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mask_names = serializers.BooleanField(required=False)
    entries_input = EntryInputSerializer(many=True, required=False)


class PhotoSerializer(serializers.Serializer):
    photo = serializers.FileField(help_text=_("张贴照片（JPEG 或 PNG）"))


class DecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    day = serializers.DateField(required=False)


class CandidateQuerySerializer(serializers.Serializer):
    org = serializers.CharField(required=False, help_text=_("单位代码（默认为本单位）"))
    since = serializers.DateField(required=False, help_text=_("新建档家庭的审核或建档日期起"))


class CandidateSerializer(serializers.ModelSerializer):
    id_number_masked = serializers.CharField(read_only=True)
    household = serializers.CharField(source="household.file_no", read_only=True)
    new_household = serializers.BooleanField(read_only=True)
    first_aid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name", "id_number_masked", "household", "new_household", "first_aid"]
