from rest_framework import serializers

from beneficiaries.choices import ClosingCode
from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling
from beneficiaries.services import PERSON_DETAILS, WORKFLOW_FIELDS
from casework.api.base import ScopedModelSerializer
from casework.api.fields import SlugRelatedField
from casework.models import Organisation, User


def org_field(**kwargs):
    return SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), **kwargs)


class PersonSearchSerializer(serializers.Serializer):
    """``POST /api/v1/persons/search/``: the full resident ID number travels in the body, never in a URL."""

    id_number = serializers.CharField(max_length=18)


class PersonSerializer(ScopedModelSerializer):
    id_number = serializers.CharField(write_only=True, max_length=32)
    id_number_masked = serializers.CharField(read_only=True)
    # Not the birth date: with the masked ID (first 6, last 4) it would give the whole number away.
    birth_year = serializers.IntegerField(read_only=True)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=32)
    organisation = org_field()
    household = SlugRelatedField(
        slug_field="file_no", queryset=Household.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "id_number",
            "id_number_masked",
            "name",
            "phone",
            "gender",
            "birth_year",
            "organisation",
            "household",
            "relationship",
            *PERSON_DETAILS,
        ]
        read_only_fields = ["gender"]


class HouseholdSerializer(ScopedModelSerializer):
    organisation = org_field()
    status = serializers.CharField(read_only=True)
    members = serializers.SerializerMethodField()
    # Read only (a workflow field) and empty until closed: declared so the schema allows "".
    closing_code = serializers.ChoiceField(choices=ClosingCode.choices, allow_blank=True, read_only=True)
    per_capita_income = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    responsible_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, help_text="帮扶责任人: a user's id"
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "file_no",
            "organisation",
            "kind",
            "single_parent_female",
            "hardship_reasons",
            "hardship_level",
            "address",
            "monthly_income",
            "income_members",
            "per_capita_income",
            "income_sources",
            "dibao",
            "dibao_no",
            "housing",
            "responsible_user",
            "responsible_name",
            "responsible_phone",
            "applied_on",
            "applied_by",
            "returned_on",
            "return_reason",
            "reviewed_on",
            "noticed_on",
            "notice_ref",
            "filed_on",
            "closed_on",
            "closing_code",
            "closing_reason",
            "status",
            "members",
        ]
        # The workflow's fields are set by its steps (review/, return/, notice/, file/, close/, reopen/) only.
        read_only_fields = sorted(WORKFLOW_FIELDS)

    def get_members(self, household) -> list[dict]:
        return [
            {"id": p.id, "name": p.name, "relationship": p.relationship, "id_number_masked": p.id_number_masked}
            for p in household.members.all()
        ]


# The steps' parameters are optional here: the services refuse what is missing, with the same words on every route.
class HouseholdStepSerializer(serializers.Serializer):
    day = serializers.DateField(required=False)


class HouseholdReturnSerializer(HouseholdStepSerializer):
    return_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class HouseholdNoticeSerializer(serializers.Serializer):
    notice = serializers.CharField(required=False, allow_blank=True, max_length=64, help_text="the notice's ref")


class ClosingFields(serializers.Serializer):
    closing_code = serializers.ChoiceField(choices=ClosingCode.choices, required=False, allow_blank=True)
    confirm = serializers.BooleanField(default=False, help_text="true to confirm the closing (脱困退出)")


class HouseholdCloseSerializer(HouseholdStepSerializer, ClosingFields):
    closing_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class HouseholdReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="why (required)")


class AnnualReviewSerializer(ScopedModelSerializer):
    # Outcome "closed" closes the file: it needs these and a note, as on the page.
    closing_code = serializers.ChoiceField(
        choices=ClosingCode.choices, required=False, allow_blank=True, write_only=True
    )
    confirm = serializers.BooleanField(default=False, write_only=True)

    class Meta:
        model = AnnualReview
        fields = [
            "id",
            "household",
            "reviewed_on",
            "outcome",
            "income_found",
            "level_found",
            "note",
            "reviewed_by",
            "closing_code",
            "confirm",
        ]
        read_only_fields = ["reviewed_by"]


class SchoolingSerializer(ScopedModelSerializer):
    class Meta:
        model = Schooling
        fields = ["id", "ref", "person", "stage", "grade", "school", "admitted_on", "entered_on"]
        extra_kwargs = {"ref": {"required": False}}


class GraduateSerializer(ScopedModelSerializer):
    organisation = org_field()

    class Meta:
        model = Graduate
        fields = [
            "id",
            "person",
            "organisation",
            "graduation_year",
            "university",
            "university_local",
            "origin_local",
            "registered_on",
            "exited_on",
        ]
