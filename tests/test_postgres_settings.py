"""The planner settings every PostgreSQL connection gets (``casework.settings.POSTGRES_OPTIONS``): the
benchmarks measured with them, so an installation runs the same plans (docs/deployment.md)."""

import pytest
from django.db import connection


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
@pytest.mark.django_db
def test_each_connection_turns_jit_off_and_prices_random_reads_as_on_ssd():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW random_page_cost")
        random_page_cost = cursor.fetchone()[0]
    assert (jit, float(random_page_cost)) == ("off", 1.1)
