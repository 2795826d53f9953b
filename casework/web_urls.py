from django.contrib.auth import views as auth_views
from django.urls import path

from casework import views
from casework.listing import record_urls

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("records/", views.records_index, name="records"),
    path("import/", views.bundle_import, name="bundle-import"),
    path("households/<int:pk>/history/", views.household_history, name="household-history"),
    *record_urls("export-log"),
]
