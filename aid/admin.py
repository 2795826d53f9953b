from django.contrib import admin

from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
from casework.admin import ScopedAdmin


@admin.register(FundReceipt)
class FundReceiptAdmin(ScopedAdmin):
    list_display = ["ref", "organisation", "programme", "source", "received_on", "amount"]
    list_filter = ["programme", "source"]
    list_select_related = ["organisation"]
    date_hierarchy = "received_on"


@admin.register(Expenditure)
class ExpenditureAdmin(ScopedAdmin):
    list_display = ["ref", "organisation", "programme", "use", "spent_on", "amount"]
    list_filter = ["programme", "use"]
    list_select_related = ["organisation"]
    date_hierarchy = "spent_on"


@admin.register(AidGrant)
class AidGrantAdmin(ScopedAdmin):
    list_display = ["ref", "organisation", "person", "granted_on", "amount"]
    list_select_related = ["organisation", "person"]
    raw_id_fields = ["person"]
    date_hierarchy = "granted_on"


@admin.register(WorkStudyOffer)
class WorkStudyOfferAdmin(ScopedAdmin):
    list_display = ["ref", "organisation", "unit_name", "offered_on", "posts"]
    list_select_related = ["organisation"]
