"""Every cell of Attachments 1–3 drills down to the records behind it, on the page and in the API (issue 14).

The drill-down lists a cell's records with the column it measures and gives the
cell's own measure over them (``value``), so each drill-down must reproduce its
figure. Records without a person (receipts, expenditures, job fairs, offers)
list no persons.
"""

import re

import pytest
from rest_framework.test import APIClient

from casework.choices import Role
from stats.definitions import ATTACHMENTS, CELL_SUM
from stats.engine import compute_return
from tests.test_stats_scenarios import build_a1, build_a2, build_a3

BUILDERS = {1: build_a1, 2: build_a2, 3: build_a3}
DRILL_API = "/api/v1/returns/drilldown/"
DRILL_PAGE = "/stats/returns/cell/"


@pytest.fixture
def officer(tree, make_user):
    return make_user(tree.province, Role.STATISTICS_OFFICER)


def drill(officer, attachment, key):
    client = APIClient()
    client.force_authenticate(officer)
    response = client.get(DRILL_API, {"attachment": attachment, "year": 2014, "org": "410000", "cell": key})
    assert response.status_code == 200, (key, response.content[:300])
    return response.json()


def page(client, officer, attachment, key):
    client.force_login(officer)
    response = client.get(DRILL_PAGE, {"attachment": attachment, "year": 2014, "org": "410000", "key": key})
    assert response.status_code == 200, (key, response.status_code)
    return response.content.decode()


def figure_of(result, cell):
    """The cell's figure as the drill-down states it: exact yuan for money, an integer otherwise."""
    entry = result.cell_json(cell)
    return entry.get("yuan", entry["value"])


@pytest.mark.parametrize("attachment", [1, 2, 3])
def test_every_cell_drills_down_to_records_that_reproduce_its_figure(tree, officer, client, attachment):
    BUILDERS[attachment](tree)
    result = compute_return(attachment, year=2014, org_code="410000")
    definition = ATTACHMENTS[attachment]
    for cell in definition.table_cells:
        data = drill(officer, attachment, cell.key)
        assert (data["cell"], data["unit"]) == (cell.key, cell.unit)
        parts = data["parts"]
        if cell.measure == CELL_SUM:
            assert [part["key"] for part in parts] == list(cell.parts)
            assert sum(part["value"] for part in parts) == figure_of(result, cell)
        else:
            (part,) = parts
            assert part["value"] == figure_of(result, cell), cell.key
        for part in parts:
            records = part["records"]
            assert part["record_count"] == len(records)
            assert len({record["id"] for record in records}) == len(records)
            if part["person_count"] is None:
                # Receipts, expenditures, job fairs and offers name no person.
                assert part["persons"] == [] and all("person_id" not in record for record in records)
            else:
                assert part["person_count"] == len(part["persons"])
                if records and "person_id" in records[0]:
                    assert {p["id"] for p in part["persons"]} == {record["person_id"] for record in records}
            if part["measure"] == "records":
                assert part["value"] == len(records)
            if part["measure"] == "sum":
                measured = part["measured_field"]
                total = sum(float(record[measured]) for record in records)
                assert float(part["value"]) == pytest.approx(total), cell.key
        html = page(client, officer, attachment, cell.key)
        for part in parts:
            assert f'data-value="{part["value"]}"' in html, cell.key
            names = {person["id"]: person["name"] for person in part["persons"]}
            for record in part["records"]:
                # A record by its short number, never its ref; one without a number (a graduate registration,
                # a1.4's persons) by its person.
                if record.get("ref"):
                    assert record["display"]["ref"] == record["number"], cell.key
                    assert record["number"] in html and f">{record['ref']}<" not in html, cell.key
                else:
                    assert names[record.get("person_id", record["id"])] in html, cell.key


def amounts(part, field="amount"):
    return sorted(record[field] for record in part["records"])


def test_money_and_count_cells_without_persons_by_hand(tree, officer, client):
    build_a1(tree)
    (funds,) = drill(officer, 1, "a1.5")["parts"]
    # 100000 (county A) + 55555.55 (city B, on C) + 12345 (province) + 5 (county B); not the 999 after C,
    # the student-aid receipt, nor anything in Hubei.
    assert amounts(funds) == ["100000.00", "12345.00", "5.00", "55555.55"]
    assert funds["value"] == "167905.55"
    assert (funds["person_count"], funds["persons"], funds["measured_field"]) == (None, [], "amount")
    assert {record["source"] for record in funds["records"]} == {
        "central_finance",
        "local_finance",
        "union",
        "social_donation",
    }
    (donation,) = drill(officer, 1, "a1.5.social_donation")["parts"]
    assert [(r["received_on"], r["amount"]) for r in donation["records"]] == [("2014-06-01", "5.00")]
    (spending,) = drill(officer, 1, "a1.6")["parts"]
    assert amounts(spending) == ["1000.00", "12500.00", "30000.00"] and spending["value"] == "43500.00"
    (training,) = drill(officer, 1, "a1.6.training")["parts"]
    assert amounts(training) == ["30000.00"] and training["records"][0]["use"] == "training"

    html = page(client, officer, 1, "a1.5")
    assert "167905.55 元" in html and "记录 4 条。" in html
    assert "涉及" not in html and "身份证号码" not in html  # no persons table for receipts
    assert "55555.55" in html and "999.00" not in html


def test_job_fairs_and_position_offers_by_hand(tree, officer, client):
    build_a2(tree)
    (fairs,) = drill(officer, 2, "a2.4.fairs")["parts"]
    assert sorted(r["held_on"] for r in fairs["records"]) == ["2014-05-20", "2014-09-10"]
    assert fairs["value"] == 2 and fairs["person_count"] is None
    (positions,) = drill(officer, 2, "a2.4.positions")["parts"]
    assert positions["measured_field"] == "positions_for_graduates"
    assert amounts(positions, "positions_for_graduates") == [15, 40] and positions["value"] == 55
    (offers,) = drill(officer, 2, "a2.5")["parts"]
    assert amounts(offers, "positions") == [7, 10] and offers["value"] == 17  # not the 2013 offer of 30

    html = page(client, officer, 2, "a2.4.positions")
    assert "55 个" in html and "适合高校毕业生的岗位数" in html  # the measured column, with its label


def test_student_aid_funds_and_work_study_offers_by_hand(tree, officer, client):
    build_a3(tree)
    (funds,) = drill(officer, 3, "a3.1")["parts"]
    assert amounts(funds) == ["12345.00", "50000.00", "7654.32"] and funds["value"] == "69999.32"
    (units,) = drill(officer, 3, "a3.7.units")["parts"]
    assert units["measured_field"] == "unit_name"
    assert sorted(r["unit_name"] for r in units["records"]) == [" 爱心企业 ", "希望公司", "爱心企业"]
    assert units["value"] == 2  # 爱心企业 counted once after trimming
    (posts,) = drill(officer, 3, "a3.7.posts")["parts"]
    assert amounts(posts, "posts") == [2, 3, 5] and posts["value"] == 10

    html = page(client, officer, 3, "a3.7.units")
    assert "2 家" in html and "希望公司" in html and "外省企业" not in html
    assert re.search(r"记录 3 条。", html)
