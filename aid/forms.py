"""Web forms of the aid records; they validate input and leave the writing to the record services."""

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.forms import RecordForm
from casework.models import Organisation
from casework.scoping import transfer_sources


class AidGrantForm(RecordForm):
    class Meta:
        model = AidGrant
        fields = ["person", "organisation", "granted_on", "amount", "fund_source", "payment_method"]


class FundReceiptForm(RecordForm):
    class Meta:
        model = FundReceipt
        fields = ["organisation", "programme", "source", "received_on", "amount", "transferred_from", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["transferred_from"]
        field.queryset = transfer_sources(Organisation.objects.order_by("path"), self.user)


class ExpenditureForm(RecordForm):
    class Meta:
        model = Expenditure
        fields = ["organisation", "programme", "use", "spent_on", "amount", "note"]


class WorkStudyOfferForm(RecordForm):
    class Meta:
        model = WorkStudyOffer
        fields = ["organisation", "unit_name", "offered_on", "posts"]


class AssistanceMeasureForm(RecordForm):
    class Meta:
        model = AssistanceMeasure
        fields = ["household", "organisation", "type", "provided_on", "amount", "fund_source", "note"]
