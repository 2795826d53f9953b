from django.contrib.auth import views as auth_views
from django.urls import path

from casework import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("households/<int:pk>/history/", views.household_history, name="household-history"),
]
