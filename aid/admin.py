from django.contrib import admin

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from casework.admin import ScopedAdmin
from casework.models import Organisation
from casework.scoping import transfer_sources


@admin.register(FundReceipt)
class FundReceiptAdmin(ScopedAdmin):
    list_display = ["number", "organisation", "programme", "source", "received_on", "amount", "transferred_from"]
    list_filter = ["programme", "source"]
    list_select_related = ["organisation", "transferred_from"]
    date_hierarchy = "received_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "transferred_from":
            field.queryset = transfer_sources(Organisation.objects.all(), request.user)
        return field


@admin.register(Expenditure)
class ExpenditureAdmin(ScopedAdmin):
    list_display = ["number", "organisation", "programme", "use", "spent_on", "amount"]
    list_filter = ["programme", "use"]
    list_select_related = ["organisation"]
    date_hierarchy = "spent_on"


@admin.register(AidGrant)
class AidGrantAdmin(ScopedAdmin):
    list_display = ["number", "organisation", "person", "granted_on", "amount", "fund_source", "payment_method"]
    list_select_related = ["organisation", "person"]
    raw_id_fields = ["person"]
    date_hierarchy = "granted_on"


@admin.register(WorkStudyOffer)
class WorkStudyOfferAdmin(ScopedAdmin):
    list_display = ["number", "organisation", "unit_name", "offered_on", "posts"]
    list_select_related = ["organisation"]


@admin.register(AssistanceMeasure)
class AssistanceMeasureAdmin(ScopedAdmin):
    list_display = ["number", "organisation", "household", "type", "provided_on", "amount", "fund_source"]
    list_filter = ["type", "fund_source"]
    list_select_related = ["organisation", "household"]
    raw_id_fields = ["household"]
    date_hierarchy = "provided_on"
