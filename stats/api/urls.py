from django.urls import path
from rest_framework.routers import DefaultRouter

from stats.api import views

router = DefaultRouter()
router.register("filings", views.ReturnFilingViewSet, basename="filing")
router.register("submissions", views.ReturnSubmissionViewSet, basename="submission")

urlpatterns = [
    path("returns/", views.ReturnView.as_view(), name="api-return"),
    path("returns/drilldown/", views.DrilldownView.as_view(), name="api-return-drilldown"),
    path("indicators/", views.IndicatorsView.as_view(), name="api-indicators"),
    path("deadlines/", views.DeadlinesView.as_view(), name="api-deadlines"),
    *router.urls,
]
