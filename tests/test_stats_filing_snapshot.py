"""Filed returns reproduce exactly (issue 13): the return as recorded at ``filed_at`` is the filed figures.

The figures are computed from the records as of ``filed_at`` once every write under
way at ``filed_at`` has ended (``stats.services.return_file`` gives the reasoning).
The PostgreSQL tests run real concurrent writers, each thread on its own connection;
SQLite serialises writers on one database lock, which the filing takes.
"""

import datetime
import io
import json
import random
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from rest_framework.test import APIClient

from casework.choices import Role
from employment.models import Training
from stats import services
from stats.engine import compute_return
from stats.models import ReturnFiling
from stats.selectors import filing_reproduction
from stats.services import return_file
from tests.factories import InstitutionFactory, LoanFactory, PersonFactory, TrainingFactory
from tests.test_stats_scenarios import build_a1

D = datetime.date

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises whole-database writes: no write can be in flight while a filing reads",
)


def file_a1(organisation, officer):
    return return_file(
        organisation=organisation,
        attachment=1,
        year=2014,
        preparer="王统计",
        phone="0371-12345678",
        acting_user=officer,
        reason="报送",
    )


def as_recorded_everywhere(filing, officer):
    """The return as recorded at ``filed_at`` from the selector, the command and the API."""
    moment = filing.filed_at.isoformat()
    out = io.StringIO()
    call_command(
        "stats_return", "--attachment", "1", "--year", "2014", "--org", "410000", "--as-recorded-at", moment, stdout=out
    )
    client = APIClient()
    client.force_authenticate(officer)
    query = {"attachment": 1, "year": 2014, "org": "410000", "as_recorded_at": moment}
    response = client.get("/api/v1/returns/", query)
    assert response.status_code == 200
    return [filing_reproduction(filing).as_dict(), json.loads(out.getvalue()), response.json()]


def test_the_return_as_recorded_at_filed_at_is_the_filing(tree, make_user):
    """Deterministic, both databases: writes right before and right after filing, no pause between."""
    officer = make_user(tree.province, Role.STATISTICS_OFFICER)
    scenario = build_a1(tree)
    filing = file_a1(tree.province, officer)
    # Straight after filing: an edit, an addition and a deletion, all in scope.
    t3 = scenario.trainings.t3
    t3.category = "graduate"
    t3.save()
    TrainingFactory(
        person=scenario.persons.p5, organisation=tree.county_a, started_on=D(2014, 10, 1), ended_on=D(2014, 10, 9)
    )
    scenario.persons.p4.loans.get().delete()

    for figures in as_recorded_everywhere(filing, officer):
        assert figures == filing.figures
    assert services.content_hash(filing_reproduction(filing).as_dict()) == filing.content_hash
    assert filing.figures["as_recorded_at"] == filing.filed_at.isoformat()
    # Today's return has moved on; the filing has not.
    now = compute_return(1, year=2014, org_code="410000").as_dict()["cells"]
    assert (filing.figures["cells"]["a1.1"]["value"], now["a1.1"]["value"]) == (4, 5)
    assert (filing.figures["cells"]["a1.3.count"]["value"], now["a1.3.count"]["value"]) == (6, 5)  # p4 loan gone


def test_a_filing_counts_what_was_recorded_before_it_in_the_same_moment(tree, make_user):
    officer = make_user(tree.province, Role.STATISTICS_OFFICER)
    TrainingFactory(organisation=tree.county_a, started_on=D(2014, 3, 1))
    filing = file_a1(tree.province, officer)
    assert filing.figures["cells"]["a1.1"]["value"] == 1
    assert filing_reproduction(filing).as_dict() == filing.figures


# --- PostgreSQL: writers in flight --------------------------------------------------------------


def in_thread(work):
    """Run ``work()`` in a thread with its own database connection; return (thread, outcome dict)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # handed to the test, which asserts on it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_write_stamped_before_filed_at_and_committed_after_is_waited_for(tree, make_user):
    """The case that broke reproduction: a writer stamps its history row, the filing starts, the writer
    commits. The filing waits for it and counts it; a writer that starts after the filing does not count."""
    officer = make_user(tree.province, Role.STATISTICS_OFFICER)
    institution = InstitutionFactory(organisation=tree.county_a)
    person = PersonFactory(organisation=tree.county_a)
    stamped, release = threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            training = TrainingFactory(
                person=person, organisation=tree.county_a, institution=institution, started_on=D(2014, 3, 1)
            )
            stamped.set()
            assert release.wait(30)
        return training

    writer, written = in_thread(slow_writer)
    assert stamped.wait(30)
    filer, filed = in_thread(lambda: file_a1(tree.province, officer))
    time.sleep(0.5)
    assert filer.is_alive()  # waiting for the open writer
    with transaction.atomic():  # a writer that starts after the filing began: stamped after filed_at
        late = TrainingFactory(
            person=person, organisation=tree.county_a, institution=institution, started_on=D(2014, 3, 1)
        )
    release.set()
    writer.join(30)
    filer.join(60)
    assert "error" not in written and "error" not in filed, (written, filed)

    filing = filed["value"]
    early = written["value"]
    assert early.history.get().history_date < filing.filed_at < late.history.get().history_date
    assert filing.figures["cells"]["a1.1"]["value"] == 1  # the early writer's training: one person
    assert filing.figures["cells"]["a1.4"]["value"] == 1
    assert filing_reproduction(filing).as_dict() == filing.figures
    assert Training.objects.count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_filings_reproduce_with_writers_in_flight(tree, make_user):
    """Two writers add, edit and delete trainings and loans in transactions that stay open a while;
    every filing made meanwhile is reproduced exactly by the return as recorded at its filed_at."""
    officer = make_user(tree.province, Role.STATISTICS_OFFICER)
    institution = InstitutionFactory(organisation=tree.county_a)
    persons = [PersonFactory(organisation=tree.county_a) for _ in range(4)]
    stop = threading.Event()

    def writer(seed):
        rng = random.Random(seed)
        writes = 0
        while not stop.is_set():
            with transaction.atomic():
                person = rng.choice(persons)
                training = TrainingFactory(
                    person=person,
                    organisation=rng.choice([tree.county_a, tree.county_b]),
                    institution=institution,
                    category=rng.choice(["laid_off", "migrant_worker", "graduate"]),
                    started_on=D(2014, rng.randint(1, 11), 1),
                    ended_on=D(2014, 11, 30),
                )
                time.sleep(rng.uniform(0, 0.03))  # stamped, not yet committed
                training.category = "in_service"
                training.save()
                LoanFactory(person=person, organisation=tree.county_a, lent_on=D(2014, 5, 1), amount="100.00")
                if rng.random() < 0.3:
                    Training.objects.filter(pk=training.pk).first().delete()
                time.sleep(rng.uniform(0, 0.03))
            writes += 1
        return writes

    writers = [in_thread(lambda seed=seed: writer(seed)) for seed in (1, 2)]
    filings = []
    try:
        for _ in range(5):
            time.sleep(0.05)
            filings.append(file_a1(tree.province, officer))
    finally:
        stop.set()
        for thread, _ in writers:
            thread.join(60)
    assert all("error" not in outcome and outcome["value"] > 0 for _, outcome in writers), writers
    counts = [filing.figures["cells"]["a1.3.count"]["value"] for filing in filings]
    assert counts == sorted(counts) and counts[-1] > counts[0]  # the writers were writing meanwhile
    for filing in filings:
        assert filing_reproduction(filing).as_dict() == filing.figures


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_write_left_open_refuses_the_filing_after_the_timeout(tree, make_user, monkeypatch):
    officer = make_user(tree.province, Role.STATISTICS_OFFICER)
    monkeypatch.setattr(services, "SETTLE_TIMEOUT", 0.3)
    stamped, release = threading.Event(), threading.Event()

    def stuck_writer():
        with transaction.atomic():
            TrainingFactory(organisation=tree.county_a, started_on=D(2014, 3, 1))
            stamped.set()
            assert release.wait(30)

    writer, _ = in_thread(stuck_writer)
    assert stamped.wait(30)
    try:
        with pytest.raises(ValidationError) as refused:
            file_a1(tree.province, officer)
    finally:
        release.set()
        writer.join(30)
    assert refused.value.messages == ["有数据正在写入，暂时无法报送，请稍后重试。"]
    assert not ReturnFiling.objects.exists()
    assert file_a1(tree.province, officer).figures["cells"]["a1.1"]["value"] == 1  # once it has committed
