from django.urls import path
from rest_framework.routers import DefaultRouter

from casework.api import views
from casework.bundle.api import BundleImportView

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet)

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("bundles/import/", BundleImportView.as_view(), name="api-bundle-import"),
    *router.urls,
]
