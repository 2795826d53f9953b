from django.urls import path
from rest_framework.routers import DefaultRouter

from casework.api import views

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet)

urlpatterns = [path("me/", views.MeView.as_view(), name="api-me"), *router.urls]
