from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="index"),
    path("new/", views.notice_build, name="build"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/discard/", views.notice_discard, name="discard"),
    path("<int:pk>/withdraw/", views.notice_withdraw, name="withdraw"),
    path("<int:pk>/replace/", views.notice_replace, name="replace"),
    path("<int:pk>/pay/", views.notice_pay, name="pay"),
    path("<int:pk>/print/", views.notice_print, name="print"),
    path("<int:pk>/pdf/", views.notice_pdf, name="pdf"),
    path("<int:pk>/photo/", views.notice_photo_attach, name="photo-attach"),
    path("<int:pk>/photo/download/", views.notice_photo_download, name="photo"),
    path("<int:pk>/objections/", views.objection_record, name="objection-record"),
    path("<int:pk>/objections/<int:objection_id>/decide/", views.objection_decide, name="objection-decide"),
]
