"""Swagger UI at /api/docs/ is served from this site: its files are static files of the project
(drf-spectacular-sidecar), the page names no other host, and the site's policy is not relaxed for it.

tests/browser/test_api_docs.py renders the page in Chromium under that policy.
"""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static

from casework.choices import Role

SIDECAR = "drf_spectacular_sidecar/swagger-ui-dist/"
ASSETS = ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "favicon-32x32.png"]
URL_ATTRIBUTE = re.compile(r"""\b(?:src|href)=["']([^"']*)["']""", re.IGNORECASE)


@pytest.fixture
def reader(client, tree, make_user):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    return client


def docs_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_page_loads_everything_from_this_site(reader):
    _response, html = docs_page(reader)
    urls = URL_ATTRIBUTE.findall(html)
    static_urls = [url for url in urls if url.startswith("/static/")]
    assert sorted(static_urls) == sorted([static(SIDECAR + name) for name in ASSETS] + [static("css/api_docs.css")])
    # The rest is the page's own init script, served by the same view.
    assert [url for url in urls if url not in static_urls] == ["/api/docs/?script="]
    assert "cdn" not in html.lower()
    assert "<style" not in html  # drf-spectacular's inline style is a stylesheet here


def test_the_page_carries_the_sites_policy_unrelaxed(reader):
    response, _html = docs_page(reader)
    policy = response["Content-Security-Policy"]
    assert policy == reader.get("/")["Content-Security-Policy"]
    assert "cdn" not in policy and "http" not in policy and "unsafe-inline" not in policy
    script = reader.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode() and "cdn" not in script.content.decode()


def test_the_files_exist_and_are_served(reader, settings):
    # Production serves STATIC_ROOT after collectstatic; here WhiteNoise reads through the finders.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    types = {".js": "javascript", ".css": "text/css", ".png": "image/png"}
    for path in [SIDECAR + name for name in ASSETS] + ["css/api_docs.css"]:
        assert finders.find(path), path
        response = reader.get(static(path))
        assert response.status_code == 200, path
        assert types[path[path.rfind(".") :]] in response["Content-Type"], path
        assert b"".join(response.streaming_content), path


def test_the_page_works_with_the_production_manifest_storage(reader, settings, tmp_path):
    """Production stores static files under hashed names: the page must find each of its files
    in the manifest (a missing one is a server error there, not a 404)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        # WhiteNoise's compressing variant of the same manifest storage, without the minutes of compression.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "--ignore", "redoc", "--ignore", "admin", verbosity=0)
    _response, html = docs_page(reader)
    static_urls = [url for url in URL_ATTRIBUTE.findall(html) if url.startswith("/static/")]
    assert len(static_urls) == len(ASSETS) + 1
    for url in static_urls:
        name = url.removeprefix("/static/")
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", name), url  # the hashed name
        assert (tmp_path / name).is_file(), url
