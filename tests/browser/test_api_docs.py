"""Swagger UI at /api/docs/ in headless Chromium: it renders under the site's Content-Security-Policy
with every file from this site (drf-spectacular-sidecar), and asks no other host for anything."""

import re
from urllib.parse import urlsplit

import pytest

from casework.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def test_swagger_ui_renders_from_this_site_under_the_policy(page, shot, live_server, tree, make_user):
    make_user(tree.province, Role.CASEWORKER, username="reader")
    # A CSP refusal is reported as a console error and as this event: collect both.
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )

    page.goto("/login/")
    page.get_by_label("用户名").fill("reader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))

    console_errors, requested, failed = [], [], []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto("/api/docs/")
    # The title comes from the schema: the bundle ran and fetched /api/schema/.
    page.locator(".swagger-ui .info .title").filter(has_text="Union casework API").wait_for()
    # Swagger UI renders the operations as they scroll into view: scroll down to the persons'.
    persons = page.locator(".opblock-summary-path", has_text="/api/v1/persons/")
    for _step in range(80):
        if persons.count():
            break
        page.mouse.wheel(0, 1200)
        page.wait_for_timeout(150)
    persons.first.wait_for()
    shot("api-docs")

    assert page.evaluate("window.cspViolations") == []
    assert console_errors == [], failed
    site = urlsplit(live_server.url).netloc
    elsewhere = [url for url in requested if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != site]
    assert elsewhere == []
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in url for url in requested)
