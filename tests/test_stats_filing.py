"""Filing a return: frozen figures and hash, immutability, reproduction, difference report, deadlines."""

import datetime
import hashlib
import json
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.choices import Role
from casework.services import record_update
from stats.engine import ReturnResult, compute_return
from stats.models import ReturnFiling
from stats.selectors import deadlines_for, filing_difference, filing_reproduction
from stats.services import return_file
from tests.factories import LoanFactory, TrainingFactory
from tests.test_stats_scenarios import EXPECTED_A1, build_a1

D = datetime.date


@pytest.fixture
def officer(tree, make_user):
    return make_user(tree.province, Role.STATISTICS_OFFICER)


def file_a1(tree, officer):
    return return_file(
        organisation=tree.province,
        attachment=1,
        year=2014,
        preparer="王统计",
        phone="0371-12345678",
        acting_user=officer,
        reason="2014年度报送",
    )


def test_filing_freezes_figures_and_their_hash(tree, officer):
    build_a1(tree)
    filing = file_a1(tree, officer)
    assert filing.cutoff == D(2014, 11, 30)
    assert {key: cell["value"] for key, cell in filing.figures["cells"].items()} == EXPECTED_A1
    assert filing.figures["as_recorded_at"] == filing.filed_at.isoformat()
    canonical = json.dumps(filing.figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert filing.content_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert filing.history.count() == 1
    assert filing.history.get().history_user_name == officer.username
    assert ReturnResult.from_figures(filing.figures).as_dict() == filing.figures


def test_filing_cannot_be_changed_or_deleted(tree, officer):
    filing = file_a1(tree, officer)
    filing.preparer = "别人"
    with pytest.raises(ValidationError):
        filing.save()
    with pytest.raises(ValidationError):
        record_update(filing, acting_user=officer, reason="改", data={"phone": "110"})
    with pytest.raises(ValidationError):
        filing.delete()
    with pytest.raises(ValidationError):
        ReturnFiling.objects.filter(pk=filing.pk).update(phone="110")
    with pytest.raises(ValidationError):
        ReturnFiling.objects.all().delete()
    filing.refresh_from_db()
    assert (filing.preparer, filing.phone) == ("王统计", "0371-12345678")
    assert ReturnFiling.objects.count() == 1
    assert filing.history.count() == 1


def test_filing_outside_the_officers_subtree_is_refused(tree, make_user):
    county_officer = make_user(tree.county_a, Role.STATISTICS_OFFICER)
    with pytest.raises(PermissionDenied):
        file_a1(tree, county_officer)


def test_filed_return_reproduces_after_corrections_and_difference_report(tree, officer):
    scenario = build_a1(tree)
    filing = file_a1(tree, officer)
    time.sleep(0.005)

    # After filing: one edit, one addition, one deletion.
    t3 = scenario.trainings.t3
    t3.category = "graduate"
    t3.save()
    added = TrainingFactory(
        person=scenario.persons.p5,
        organisation=tree.county_a,
        type="skills",
        category="in_service",
        started_on=D(2014, 10, 1),
        ended_on=D(2014, 10, 9),
        institution=scenario.plain,
    )
    loan = scenario.persons.p4.loans.get()
    loan.delete()
    # A change in another province is not part of this unit's difference.
    LoanFactory(organisation=scenario.hubei, lent_on=D(2014, 5, 1), amount=Decimal("1.00"))

    reproduced = filing_reproduction(filing).as_dict()
    assert reproduced == filing.figures

    report = filing_difference(officer, filing)
    changed = {entry["key"]: (entry["filed"], entry["now"]) for entry in report["cells"] if entry["changed"]}
    assert changed == {
        "a1.1": (4, 5),  # p5 added
        "a1.1.2": (2, 1),  # p2 now recorded as a graduate
        "a1.1.3": (1, 2),
        "a1.1.4": (1, 2),
        "a1.1.6.migrant_worker": (1, 0),
        "a1.1.6.graduate": (1, 2),
        "a1.3.persons": (4, 3),  # p4's loan deleted
        "a1.3.count": (6, 5),
        "a1.3.amount": ("18.96", "17.73"),  # 189595.67 - 12250
        "a1.3.graduate.persons": (2, 1),  # p6's guaranteed loan remains
        "a1.3.graduate.count": (2, 1),
        "a1.3.graduate.amount": ("9.23", "8.00"),
    }  # a1.4 stays 18: skills +1 (p5), small loans -1 (p4)
    assert report["changed_cells"] == list(changed)
    by_key = {entry["key"]: entry for entry in report["cells"]}
    assert by_key["a1.3.amount"]["sources"] == ["loans", "organisations"]
    assert by_key["a1.3.amount"]["changed_sources"] == ["loans"]
    assert set(by_key["a1.1.7"]["sources"]) == {"organisations", "placements", "trainings"}
    assert by_key["a1.1.7"]["changed_sources"] == ["trainings"]
    assert set(report["records"]) == {"trainings", "loans"}
    trainings, loans = report["records"]["trainings"], report["records"]["loans"]
    assert [r["ref"] for r in trainings["added"]] == [added.ref]
    assert [r["ref"] for r in trainings["edited"]] == [t3.ref]
    assert trainings["deleted"] == []
    assert [r["ref"] for r in loans["deleted"]] == [loan.ref]
    assert loans["added"] == [] and loans["edited"] == []  # the Hubei loan is outside the subtree


def test_refiling_makes_a_new_filing(tree, officer):
    first = file_a1(tree, officer)
    TrainingFactory(organisation=tree.county_a, started_on=D(2014, 5, 1), ended_on=D(2014, 5, 2))
    second = file_a1(tree, officer)
    assert first.pk != second.pk
    assert first.figures["cells"]["a1.1"]["value"] == 0
    assert second.figures["cells"]["a1.1"]["value"] == 1
    assert first.content_hash != second.content_hash


def _filing(org, attachment, cutoff, filed_at):
    figures = compute_return(attachment, year=2014, org_code=org.code, cutoff=cutoff).as_dict()
    return ReturnFiling.objects.create(
        organisation=org,
        attachment=attachment,
        year=2014,
        cutoff=cutoff,
        preparer="王统计",
        phone="123",
        filed_at=filed_at,
        figures=figures,
        content_hash="0" * 64,
    )


def test_deadlines_against_filings(tree, make_user):
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    province = tree.province
    _filing(province, 1, D(2014, 8, 31), datetime.datetime(2014, 9, 20, 23, 59, tzinfo=shanghai))  # due 09-20
    _filing(province, 1, D(2014, 11, 30), datetime.datetime(2014, 12, 11, 9, 0, tzinfo=shanghai))  # due 12-10
    # 2014-09-15 20:00 UTC is already 09-16 in Beijing: late
    _filing(province, 3, D(2014, 8, 31), datetime.datetime(2014, 9, 15, 20, 0, tzinfo=datetime.UTC))
    _filing(tree.city_a, 3, D(2014, 8, 31), datetime.datetime(2014, 9, 1, 10, 0, tzinfo=shanghai))
    viewer = make_user(tree.province, Role.REVIEWER)

    rows = deadlines_for(viewer, year=2014, org_code="410000", today=D(2014, 12, 31))["deadlines"]
    status = {(row["org"], row["attachment"], row["cutoff"]): row["status"] for row in rows}
    assert status[("410000", 1, "2014-08-31")] == "on_time"
    assert status[("410000", 1, "2014-11-30")] == "late"
    assert status[("410000", 2, "2014-09-10")] == "missing"
    assert status[("410000", 3, "2014-08-31")] == "late"
    assert status[("410100", 3, "2014-08-31")] == "on_time"
    assert status[("410300", 3, "2014-08-31")] == "missing"
    assert len(rows) == 3 * 4  # the province and its two cities, four returns each
    due = {(row["attachment"], row["cutoff"]): row["due"] for row in rows if row["org"] == "410000"}
    assert due == {
        (1, "2014-08-31"): "2014-09-20",
        (1, "2014-11-30"): "2014-12-10",
        (2, "2014-09-10"): "2014-09-15",
        (3, "2014-08-31"): "2014-09-15",
    }

    early = deadlines_for(viewer, year=2014, org_code="410000", today=D(2014, 9, 12))["deadlines"]
    assert {row["status"] for row in early if row["org"] == "410300"} == {"pending"}

    county_user = make_user(tree.county_a, Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        deadlines_for(county_user, year=2014, org_code="410000")
