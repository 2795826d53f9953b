from django.urls import path

from stats import views

urlpatterns = [
    path("returns/", views.return_page, name="stats-returns"),
    path("returns/cell/", views.return_cell, name="stats-return-cell"),
    path("returns/xlsx/", views.return_xlsx, name="stats-return-xlsx"),
    path("returns/print/", views.return_print, name="stats-return-print"),
    path("returns/file/", views.return_file, name="stats-return-file"),
    path("filings/<int:pk>/", views.filing_page, name="stats-filing"),
    path("filings/<int:pk>/print/", views.filing_print, name="stats-filing-print"),
]
