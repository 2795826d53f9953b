from rest_framework import serializers

from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling
from casework.api.base import ScopedModelSerializer
from casework.api.fields import SlugRelatedField
from casework.models import Organisation


def org_field(**kwargs):
    return SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), **kwargs)


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
        ]
        read_only_fields = ["gender"]


class HouseholdSerializer(ScopedModelSerializer):
    organisation = org_field()
    status = serializers.CharField(read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "file_no",
            "organisation",
            "kind",
            "single_parent_female",
            "hardship_reasons",
            "address",
            "applied_on",
            "reviewed_on",
            "noticed_on",
            "filed_on",
            "closed_on",
            "closing_reason",
            "status",
            "members",
        ]
        read_only_fields = ["reviewed_on", "noticed_on", "filed_on", "closed_on", "closing_reason"]

    def get_members(self, household) -> list[dict]:
        return [
            {"id": p.id, "name": p.name, "relationship": p.relationship, "id_number_masked": p.id_number_masked}
            for p in household.members.all()
        ]


class HouseholdStepSerializer(serializers.Serializer):
    day = serializers.DateField(required=False)
    closing_reason = serializers.CharField(required=False, allow_blank=True)


class AnnualReviewSerializer(ScopedModelSerializer):
    class Meta:
        model = AnnualReview
        fields = ["id", "household", "reviewed_on", "outcome", "note", "reviewed_by"]
        read_only_fields = ["reviewed_by"]


class SchoolingSerializer(ScopedModelSerializer):
    class Meta:
        model = Schooling
        fields = ["id", "ref", "person", "stage", "school", "admitted_on", "entered_on"]
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
