from casework.listing import record_urls
from employment import views  # noqa: F401  (registers the employment record types)

urlpatterns = record_urls(
    "trainings",
    "certificates",
    "placements",
    "loans",
    "services",
    "job-fairs",
    "position-offers",
    "institutions",
    "assistance-plans",
    "pairings",
)
