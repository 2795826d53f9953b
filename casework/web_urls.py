from django.contrib.auth import views as auth_views
from django.urls import path

from casework import views
from casework.listing import record_urls

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("records/", views.records_index, name="records"),
    path("import/", views.bundle_import, name="bundle-import"),
    path("units/search/", views.unit_search, name="unit-search"),
    *record_urls("export-log"),
]
