from aid import views  # noqa: F401  (registers the aid record types)
from casework.listing import record_urls

urlpatterns = record_urls("grants", "fund-receipts", "expenditures", "work-study", "measures")
