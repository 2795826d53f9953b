"""The ledgers (台账) page, served at /ledgers/ (the root URLconf includes this module there)."""

from django.urls import path

from aid import views

urlpatterns = [
    path("", views.ledgers_page, name="ledgers"),
    path("<str:kind>.xlsx", views.ledger_download, name="ledger-download"),
]
