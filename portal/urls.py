from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/indicators/", views.home_indicators, name="home-indicators"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    # Before the workflow steps' households/<pk>/<step>/ (beneficiaries.urls, included after this).
    path("households/<int:pk>/print/", views.household_print, name="household-print"),
    path("households/<int:pk>/pdf/", views.household_pdf, name="household-pdf"),
]
