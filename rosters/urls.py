from django.urls import path

from rosters import views

app_name = "rosters"

urlpatterns = [
    path("", views.roster_index, name="index"),
    path("templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("upload/", views.roster_upload, name="upload"),
    path("<int:pk>/", views.roster_detail, name="detail"),
    path("<int:pk>/mapping/", views.roster_mapping, name="mapping"),
    path("<int:pk>/confirm/", views.roster_confirm, name="confirm"),
    path("<int:pk>/report.xlsx", views.report_download, name="report"),
]
