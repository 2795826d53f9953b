from django.urls import path

from stats import submission_views, views

urlpatterns = [
    path("returns/", views.return_page, name="stats-returns"),
    path("returns/cell/", views.return_cell, name="stats-return-cell"),
    path("returns/xlsx/", views.return_xlsx, name="stats-return-xlsx"),
    path("returns/print/", views.return_print, name="stats-return-print"),
    path("returns/file/", views.return_file, name="stats-return-file"),
    path("filings/<int:pk>/", views.filing_page, name="stats-filing"),
    path("filings/<int:pk>/print/", views.filing_print, name="stats-filing-print"),
    path("submissions/", submission_views.board_page, name="stats-submissions"),
    path("submissions/submit/", submission_views.submit, name="stats-submission-submit"),
    path("submissions/deadline/", submission_views.set_deadline, name="stats-submission-deadline"),
    path("submissions/<int:pk>/", submission_views.submission_page, name="stats-submission"),
    path("submissions/<int:pk>/summary/", submission_views.summary_download, name="stats-submission-summary"),
    path("submissions/<int:pk>/accept/", submission_views.accept, name="stats-submission-accept"),
    path("submissions/<int:pk>/send-back/", submission_views.send_back, name="stats-submission-send-back"),
]
