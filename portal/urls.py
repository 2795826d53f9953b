from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
]
