"""--as-recorded-at: the same rules evaluated on the records as they stood at a moment (history tables)."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from employment.models import Training
from stats.engine import compute_return
from stats.selectors import parse_moment
from tests.factories import PersonFactory, TrainingFactory
from tests.test_stats_scenarios import EXPECTED_A1, EXPECTED_A2, EXPECTED_A3, build_a1, build_a2, build_a3, values

D = datetime.date


def moment_after_setup():
    """A moment strictly between the records made so far and the edits that follow."""
    time.sleep(0.005)
    moment = timezone.now()
    time.sleep(0.005)
    return moment


def test_attachment3_as_recorded_after_edits_and_deletions(tree):
    scenario = build_a3(tree)
    k, h = scenario.children, scenario.households
    moment = moment_after_setup()

    # Corrections after the moment, as edits with history rows (household kind, a grant, a school entry).
    h.h2.kind = "worker"
    h.h2.save()
    grant = k.k3.aid_grants.get()
    grant.delete()
    first = k.k1.aid_grants.get(granted_on=D(2014, 8, 15))
    first.amount = Decimal("2000.00")
    first.save()
    entry = k.k6.schooling.get(stage="junior_college")
    entry.stage = "senior_secondary"
    entry.save()

    assert values(compute_return(3, year=2014, org_code="410000", as_of=moment)) == EXPECTED_A3
    now = values(compute_return(3, year=2014, org_code="410000"))
    assert now["a3.5.persons"] == 1  # h2 is no longer a migrant-worker household: k4 only
    assert now["a3.4"] == 4  # k3's grant deleted
    assert now["a3.2"] == "0.85"  # 10534.56 - 3000 + 1000 = 8534.56
    assert now["a3.4.college_plus"] == 0  # k6's 07-01 grant now in the senior-vocational group, k3 gone
    assert now["a3.3.college_plus"] == 0


def test_attachment1_as_recorded_follows_joins_through_history(tree):
    scenario = build_a1(tree)
    moment = moment_after_setup()

    # The designation, a training's category and a certificate change after the moment.
    scenario.demo.migrant_demo_base = False
    scenario.demo.save()
    t3 = scenario.trainings.t3
    t3.category = "graduate"
    t3.save()
    certificate = scenario.persons.p4.certificates.get()
    certificate.delete()

    assert values(compute_return(1, year=2014, org_code="410000", as_of=moment)) == EXPECTED_A1
    now = values(compute_return(1, year=2014, org_code="410000"))
    assert now["a1.7"] == 0
    assert now["a1.1.2"] == 1  # p6 only
    assert now["a1.1.6.graduate"] == 2  # p2 and p4
    assert now["a1.1.cert_other"] == 0


def test_attachment2_as_recorded_uses_the_registration_as_it_stood(tree):
    scenario = build_a2(tree)
    moment = moment_after_setup()
    g = scenario.graduates
    g.g9.graduation_year = 2013  # now previous instead of fresh
    g.g9.save()
    g.g2.person.placements.get().delete()  # no longer self-employed

    assert values(compute_return(2, year=2014, org_code="410000", as_of=moment)) == EXPECTED_A2
    now = values(compute_return(2, year=2014, org_code="410000"))
    assert (now["a2.1.fresh"], now["a2.1.previous"]) == (3, 3)
    assert now["a2.1.self_employed"] == 0
    assert now["a2.10"] == 0
    assert now["a2.11"] == 3  # g2, g7, g9


def test_history_rows_sharing_a_timestamp_are_told_apart_by_history_id(tree):
    training = TrainingFactory(organisation=tree.county_a, category="laid_off")
    training.category = "migrant_worker"
    training.save()
    history = Training.history.model.objects.filter(id=training.id)
    assert history.count() == 2
    stamp = timezone.now()
    history.update(history_date=stamp)

    got = compute_return(1, year=2014, org_code="410000", as_of=stamp).values
    assert (got["a1.1"], got["a1.1.1"], got["a1.1.2"]) == (1, 0, 1)


def test_an_object_whose_latest_row_is_a_deletion_is_left_out(tree):
    person = PersonFactory(organisation=tree.county_a)
    training = TrainingFactory(person=person, organisation=tree.county_a)
    before = moment_after_setup()
    training.delete()
    after = moment_after_setup()
    assert compute_return(1, year=2014, org_code="410000", as_of=before).values["a1.1"] == 1
    assert compute_return(1, year=2014, org_code="410000", as_of=after).values["a1.1"] == 0
    assert compute_return(1, year=2014, org_code="410000").values["a1.1"] == 0


def test_organisation_must_exist_at_the_moment(tree):
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        compute_return(1, year=2014, org_code="410000", as_of=long_ago)


def test_moment_without_offset_is_shanghai_time():
    moment = parse_moment("2014-09-01T08:00:00")
    assert moment == datetime.datetime(2014, 9, 1, 0, 0, tzinfo=datetime.UTC)
    assert parse_moment("2014-09-01T08:00:00+00:00") == datetime.datetime(2014, 9, 1, 8, 0, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        parse_moment("yesterday")
