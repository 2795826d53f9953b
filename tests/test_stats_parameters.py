"""Out-of-range parameters of a return get a 400 naming the field, on the API, the pages and the command
(issue 14: ``as_recorded_at=0001-01-01T00:00:00`` and ``9999-12-31T23:59:59-12:00`` answered 500)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from casework.choices import Role
from tests.factories import TrainingFactory

RANGE = "数据时点应在 2000-01-01 00:00 至 2100-12-31 23:59（北京时间）之间。"
OUT_OF_RANGE = [
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00+14:00",
    "1999-12-31T23:59:59+08:00",
    "2101-01-01T00:00:00",
]
BASE = {"attachment": 1, "year": 2014, "org": "410000"}
PAGES = ["/stats/returns/", "/stats/returns/xlsx/", "/stats/returns/print/", "/stats/returns/cell/"]


@pytest.fixture
def officer(tree, make_user):
    return make_user(tree.province, Role.STATISTICS_OFFICER)


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_api_refuses_moments_outside_the_report_years(api, moment):
    for url, extra in (("/api/v1/returns/", {}), ("/api/v1/returns/drilldown/", {"cell": "a1.1"})):
        response = api.get(url, {**BASE, **extra, "as_recorded_at": moment})
        assert response.status_code == 400
        assert response.json() == {"as_recorded_at": [RANGE]}


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_pages_refuse_moments_outside_the_report_years(client, officer, moment):
    client.force_login(officer)
    for url in PAGES:
        response = client.get(url, {**BASE, "key": "a1.1", "as_recorded_at": moment})
        assert response.status_code == 400, url
        assert RANGE in response.content.decode()


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_command_refuses_moments_outside_the_report_years(tree, moment):
    with pytest.raises(CommandError, match="as_recorded_at: " + RANGE):
        call_command(
            "stats_return", "--attachment", "1", "--year", "2014", "--org", "410000", "--as-recorded-at", moment
        )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": 0}, "year"),
        ({"year": 99999}, "year"),
        ({"year": -1}, "year"),
        ({"cutoff": "2013-11-30"}, "cutoff"),
        ({"cutoff": "9999-12-31"}, "cutoff"),
        ({"cutoff": "0001-01-01"}, "cutoff"),
        ({"cutoff": "2014-02-30"}, "cutoff"),
    ],
)
def test_years_and_cutoffs_out_of_range_are_refused_everywhere(tree, api, client, officer, params, field):
    response = api.get("/api/v1/returns/", {**BASE, **params})
    assert response.status_code == 400 and field in response.json()
    client.force_login(officer)
    for url in PAGES:
        page = client.get(url, {**BASE, "key": "a1.1", **params})
        assert page.status_code == 400, url
        assert 'role="alert"' in page.content.decode()
    args = ["--attachment", "1", "--org", "410000", "--year", str(params.get("year", 2014))]
    if "cutoff" in params:
        args += ["--cutoff", params["cutoff"]]
    with pytest.raises(CommandError, match=field):
        call_command("stats_return", *args)


def test_sane_moments_are_accepted_everywhere(tree, api, client, officer):
    before = timezone.now()  # the units exist, the training does not yet
    TrainingFactory(organisation=tree.county_a)
    # The earliest moment is accepted; the units did not exist then, and that is what is refused.
    earliest = api.get("/api/v1/returns/", {**BASE, "as_recorded_at": "2000-01-01T00:00:00"})
    assert (earliest.status_code, list(earliest.json())) == (400, ["org"])
    for moment, expected in ((before.isoformat(), 0), ("2100-12-31T23:59:59", 1)):
        response = api.get("/api/v1/returns/", {**BASE, "as_recorded_at": moment})
        assert response.status_code == 200
        assert response.json()["cells"]["a1.1"]["value"] == expected

        out = io.StringIO()
        call_command(
            "stats_return",
            "--attachment",
            "1",
            "--year",
            "2014",
            "--org",
            "410000",
            "--as-recorded-at",
            moment,
            stdout=out,
        )
        assert json.loads(out.getvalue())["cells"]["a1.1"]["value"] == expected

        client.force_login(officer)
        page = client.get("/stats/returns/", {**BASE, "as_recorded_at": moment})
        assert page.status_code == 200
        html = page.content.decode()
        # Figures of an earlier moment show without drill-down links, and cannot be filed.
        assert f'<span class="value" data-key="a1.1" title="a1.1">{expected}</span>' in html
        assert "报送报表" not in html
        for url in PAGES[1:3]:
            assert client.get(url, {**BASE, "as_recorded_at": moment}).status_code == 200
