from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from casework import security

api_v1 = [
    path("", include("casework.api.urls")),
    path("", include("beneficiaries.api.urls")),
    path("", include("notices.api.urls")),
    path("", include("aid.api.urls")),
    path("", include("employment.api.urls")),
    path("", include("stats.api.urls")),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", security.api_docs_view(), name="api-docs"),
    path("", include("casework.web_urls")),
    path("", include("portal.urls")),
    path("", include("beneficiaries.urls")),
    path("notices/", include("notices.urls")),
    path("aid/", include("aid.urls")),
    path("ledgers/", include("aid.ledger_urls")),
    path("employment/", include("employment.urls")),
    path("stats/", include("stats.urls")),
    path("rosters/", include("rosters.urls")),
]
