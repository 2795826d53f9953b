from rest_framework import serializers

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.api.serializers import org_field
from beneficiaries.models import Household
from casework.api.base import ScopedModelSerializer
from casework.api.fields import SlugRelatedField
from casework.models import Organisation
from casework.scoping import transfer_sources


class PersonRecordSerializer(ScopedModelSerializer):
    """A record naming a person: written by the person's id, read with the name and masked ID number."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    person_id_number_masked = serializers.CharField(source="person.id_number_masked", read_only=True)


class AidGrantSerializer(PersonRecordSerializer):
    organisation = org_field()

    class Meta:
        model = AidGrant
        fields = [
            "id",
            "ref",
            "organisation",
            "person",
            "person_name",
            "person_id_number_masked",
            "granted_on",
            "amount",
            "fund_source",
            "payment_method",
            "amount_reason",
        ]
        extra_kwargs = {"ref": {"required": False}}


class FundReceiptSerializer(ScopedModelSerializer):
    organisation = org_field()
    transferred_from = org_field(required=False, allow_null=True)

    class Meta:
        model = FundReceipt
        fields = [
            "id",
            "ref",
            "organisation",
            "programme",
            "source",
            "received_on",
            "amount",
            "transferred_from",
            "note",
        ]
        extra_kwargs = {"ref": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        fields["transferred_from"].queryset = transfer_sources(Organisation.objects.all(), user)
        return fields


class ExpenditureSerializer(ScopedModelSerializer):
    organisation = org_field()

    class Meta:
        model = Expenditure
        fields = ["id", "ref", "organisation", "programme", "use", "spent_on", "amount", "note"]
        extra_kwargs = {"ref": {"required": False}}


class WorkStudyOfferSerializer(ScopedModelSerializer):
    organisation = org_field()

    class Meta:
        model = WorkStudyOffer
        fields = ["id", "ref", "organisation", "unit_name", "offered_on", "posts"]
        extra_kwargs = {"ref": {"required": False}}


class AssistanceMeasureSerializer(ScopedModelSerializer):
    organisation = org_field()
    household = SlugRelatedField(slug_field="file_no", queryset=Household.objects.all())

    class Meta:
        model = AssistanceMeasure
        fields = ["id", "ref", "organisation", "household", "type", "provided_on", "amount", "fund_source", "note"]
        extra_kwargs = {"ref": {"required": False}}
