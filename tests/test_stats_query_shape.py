"""The shape that keeps the returns fast at 10^6 persons (docs/benchmarks.md), and the as-of rules it must keep."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stats.engine import compute_return
from tests.test_stats_as_of import moment_after_setup
from tests.test_stats_scenarios import EXPECTED_A3, build_a3, values


def test_grants_read_the_recipients_household_as_it_stood(tree):
    """Household flags of a grant come from the person's household at T, not from where the person is now."""
    scenario = build_a3(tree)
    k, h = scenario.children, scenario.households
    moment = moment_after_setup()

    k.k2.household = h.h1  # k2 leaves h2 (migrant worker, single mother, county B) for h1 (worker, county A)
    k.k2.save()

    assert values(compute_return(3, year=2014, org_code="410000", as_of=moment)) == EXPECTED_A3
    now = values(compute_return(3, year=2014, org_code="410000"))
    assert now["a3.5.persons"] == 2  # k6 (h2), k4 (h4)
    assert now["a3.5.amount"] == "0.30"  # 1234.56 + 1000 + 800 = 3034.56
    assert now["a3.6.persons"] == 1  # k6
    assert now["a3.6.amount"] == "0.22"  # 2234.56
    assert now["a3.3"] == 3  # k2 is still in an on-file household of the province
    # School entries are in scope by the household: county B had k2 and k6 at T, k6 alone now.
    assert values(compute_return(3, year=2014, org_code="410381", as_of=moment))["a3.3"] == 2
    assert values(compute_return(3, year=2014, org_code="410381"))["a3.3"] == 1


def _grants_query(**kwargs):
    with CaptureQueriesContext(connection) as queries:
        compute_return(3, year=2014, org_code="410000", **kwargs)
    [sql] = [q["sql"] for q in queries.captured_queries if "aidgrant" in q["sql"]]
    return sql


def test_household_flags_are_read_once_per_grant_not_once_per_cell(tree):
    """Ten a3.5/a3.6 cells filter on two per-row columns; the household is reached once for each."""
    build_a3(tree)
    live = _grants_query()
    assert live.count('JOIN "beneficiaries_household"') == 1  # one join, whatever the number of cells
    assert live.count('FROM "beneficiaries_schooling"') == 1  # the stage in force: one subquery
    as_of = _grants_query(as_of=moment_after_setup())
    # Two flags, each one as-of lookup of the person and one of the household (plus their latest-row probes).
    assert as_of.count('FROM "beneficiaries_historicalhousehold"') == 4
    assert as_of.count('FROM "beneficiaries_historicalperson"') == 4


def test_job_introduction_persons_are_one_union_of_ids(tree):
    """a1.4's job-introduction persons: one id set (UNION), not an OR of two IN subqueries over every person."""
    with CaptureQueriesContext(connection) as queries:
        compute_return(1, year=2014, org_code="410000", cutoff=datetime.date(2014, 11, 30))
    [sql] = [q["sql"] for q in queries.captured_queries if 'FROM "beneficiaries_person"' in q["sql"]]
    assert " UNION " in sql
    assert " OR " not in sql.split("FROM", 1)[1].split("UNION")[0].rsplit("WHERE", 1)[0]
