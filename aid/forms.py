"""Web forms of the aid records; they validate input and leave the writing to the record services."""

from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.forms import RecordForm


class AidGrantForm(RecordForm):
    class Meta:
        model = AidGrant
        fields = ["person", "organisation", "granted_on", "amount"]


class FundReceiptForm(RecordForm):
    class Meta:
        model = FundReceipt
        fields = ["organisation", "programme", "source", "received_on", "amount", "note"]


class ExpenditureForm(RecordForm):
    class Meta:
        model = Expenditure
        fields = ["organisation", "programme", "use", "spent_on", "amount", "note"]


class WorkStudyOfferForm(RecordForm):
    class Meta:
        model = WorkStudyOffer
        fields = ["organisation", "unit_name", "offered_on", "posts"]
