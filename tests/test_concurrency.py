"""No lost update: a record's version is its latest history_id; a save from a stale version is refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from beneficiaries.models import Household
from casework.choices import Role
from casework.services import current_version, record_update
from tests.factories import HouseholdFactory


def stale(record, by, fields):
    """The refusal of a stale save: who changed which fields since, and when (the latest history row)."""
    when = timezone.localtime(record.history.latest("history_id").history_date).strftime("%Y-%m-%d %H:%M")
    return f"该记录已被 {by} 于 {when} 修改（{fields}），请刷新后重试。"


@pytest.fixture
def household(tree):
    return HouseholdFactory(organisation=tree.county_a, address="巩义市新华路1号")


@pytest.fixture
def caseworker(tree, make_user):
    return make_user(tree.city_a, Role.CASEWORKER)


def test_the_version_is_the_latest_history_id(household, caseworker):
    first = household.history.get().history_id
    assert current_version(household) == first
    record_update(household, acting_user=caseworker, reason="更正地址", data={"address": "巩义市新华路2号"})
    assert current_version(household) == household.history.latest("history_id").history_id > first


def test_a_save_from_the_current_version_goes_through(household, caseworker):
    version = current_version(household)
    record_update(
        household, acting_user=caseworker, reason="更正地址", data={"address": "新地址"}, expected_version=version
    )
    assert Household.objects.get(pk=household.pk).address == "新地址"
    assert household.history.count() == 2


def test_a_save_from_a_stale_version_is_refused_and_writes_nothing(household, caseworker):
    read_version = current_version(household)
    record_update(household, acting_user=caseworker, reason="他人修改", data={"address": "他人地址"})

    with pytest.raises(ValidationError) as refused:
        record_update(
            household,
            acting_user=caseworker,
            reason="我的修改",
            data={"address": "我的地址"},
            expected_version=read_version,
        )

    assert refused.value.message_dict == {"version": [stale(household, caseworker.username, "家庭住址")]}
    assert Household.objects.get(pk=household.pk).address == "他人地址"
    assert household.history.count() == 2


def test_even_an_unchanged_save_from_a_stale_version_is_refused(household, caseworker):
    read_version = current_version(household)
    record_update(household, acting_user=caseworker, reason="他人修改", data={"address": "他人地址"})
    with pytest.raises(ValidationError):
        record_update(
            household,
            acting_user=caseworker,
            reason="无变化",
            data={"address": "他人地址"},
            expected_version=read_version,
        )


def test_the_api_gives_the_version_as_etag_and_checks_if_match(client, household, caseworker):
    client.force_login(caseworker)
    url = f"/api/v1/households/{household.pk}/"
    read = client.get(url)
    version = read.json()["version"]
    assert version == current_version(household)
    assert read["ETag"] == f'"{version}"'

    saved = client.patch(url, {"address": "甲地址"}, content_type="application/json", HTTP_IF_MATCH=f'"{version}"')
    assert saved.status_code == 200
    new_version = saved.json()["version"]
    assert new_version > version
    assert saved["ETag"] == f'"{new_version}"'

    refused = client.patch(url, {"address": "乙地址"}, content_type="application/json", HTTP_IF_MATCH=f'"{version}"')
    assert refused.status_code == 412
    assert refused.json() == {"version": [stale(household, caseworker.username, "家庭住址")]}
    assert Household.objects.get(pk=household.pk).address == "甲地址"
    assert household.history.count() == 2


def test_without_if_match_the_api_saves_as_before(client, household, caseworker):
    client.force_login(caseworker)
    url = f"/api/v1/households/{household.pk}/"
    response = client.patch(url, {"address": "丙地址"}, content_type="application/json")
    assert response.status_code == 200
    assert Household.objects.get(pk=household.pk).address == "丙地址"


@pytest.mark.parametrize(
    ("header", "status"), [("*", 200), ('W/"{v}"', 200), ("{v}", 200), ('"not-a-version"', 412), ('"0"', 412)]
)
def test_if_match_forms(client, household, caseworker, header, status):
    client.force_login(caseworker)
    url = f"/api/v1/households/{household.pk}/"
    value = header.format(v=current_version(household))
    response = client.patch(url, {"address": "丁地址"}, content_type="application/json", HTTP_IF_MATCH=value)
    assert response.status_code == status
    assert (Household.objects.get(pk=household.pk).address == "丁地址") is (status == 200)


def test_lists_carry_no_version(client, household, caseworker):
    # A version per row would cost a query per row; lists leave it to the detail view.
    client.force_login(caseworker)
    rows = client.get("/api/v1/households/").json()["results"]
    assert [r["file_no"] for r in rows] == [household.file_no]
    assert "version" not in rows[0]


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises whole-database writes; concurrent row locks need PostgreSQL",
)


def _race(work):
    """Run ``work(i)`` in two threads, each with its own database connection; return their results."""
    barrier = threading.Barrier(2, timeout=30)
    results = [None, None]

    def run(i):
        try:
            results[i] = work(i, barrier)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sessions_saving_the_same_version_exactly_one_wins(tree, make_user):
    household = HouseholdFactory(organisation=tree.county_a, address="原地址")
    caseworker = make_user(tree.city_a, Role.CASEWORKER)

    def save(i, barrier):
        mine = Household.objects.get(pk=household.pk)
        version = current_version(mine)
        barrier.wait()  # both sessions have read the same version before either saves
        try:
            record_update(
                mine, acting_user=caseworker, reason=f"会话{i}", data={"address": f"地址{i}"}, expected_version=version
            )
        except ValidationError as exc:
            return exc.message_dict
        return "saved"

    results = _race(save)

    assert sorted(results, key=str) == sorted(
        ["saved", {"version": [stale(household, caseworker.username, "家庭住址")]}], key=str
    )
    winner = results.index("saved")
    assert Household.objects.get(pk=household.pk).address == f"地址{winner}"
    assert household.history.count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_api_clients_with_the_same_etag_exactly_one_wins(tree, make_user):
    from django.test import Client

    household = HouseholdFactory(organisation=tree.county_a, address="原地址")
    caseworker = make_user(tree.city_a, Role.CASEWORKER)
    url = f"/api/v1/households/{household.pk}/"

    def save(i, barrier):
        client = Client()
        client.force_login(caseworker)
        etag = client.get(url)["ETag"]
        barrier.wait()
        response = client.patch(url, {"address": f"地址{i}"}, content_type="application/json", HTTP_IF_MATCH=etag)
        return response.status_code

    results = _race(save)

    assert sorted(results) == [200, 412]
    assert Household.objects.get(pk=household.pk).address == f"地址{results.index(200)}"
    assert household.history.count() == 2
