from django.urls import path

from beneficiaries import views
from casework.listing import record_urls

urlpatterns = [
    path("files/", views.household_search, name="household-search"),
    path("files/new/", views.household_create, name="household-create"),
    path("households/search/", views.household_picker_search, name="household-picker-search"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    # Before the workflow steps, which would otherwise take "history" for a step.
    path("households/<int:pk>/history/", views.household_history, name="household-history"),
    path("households/<int:pk>/<slug:step>/", views.household_step, name="household-step"),
    path("persons/new/", views.person_create, name="person-create"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("annual-review/", views.annual_review_list, name="annual-review"),
    path("annual-review/<int:pk>/", views.annual_review_submit, name="annual-review-submit"),
    path("annual-review/bulk/", views.annual_review_bulk, name="annual-review-bulk"),
    *record_urls("households", "persons", "schooling", "graduates", "annual-reviews"),
]
