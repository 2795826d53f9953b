"""`manage.py load_demo`: every kind of record, through the services, idempotent, with working logins."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from aid.models import AidGrant
from beneficiaries.choices import HouseholdStatus
from beneficiaries.models import Household
from casework.models import Organisation
from portal.management.commands.load_demo import PASSWORD, USERS

RECORD_MODELS = [
    "casework.Organisation",
    "casework.User",
    "beneficiaries.Person",
    "beneficiaries.Household",
    "beneficiaries.AnnualReview",
    "beneficiaries.Schooling",
    "beneficiaries.Graduate",
    "notices.Notice",
    "notices.NoticeEntry",
    "notices.Objection",
    "aid.AidGrant",
    "aid.FundReceipt",
    "aid.Expenditure",
    "aid.WorkStudyOffer",
    "employment.Institution",
    "employment.Training",
    "employment.Certificate",
    "employment.Placement",
    "employment.Loan",
    "employment.Service",
    "employment.JobFair",
    "employment.PositionOffer",
    "employment.AssistancePlan",
    "employment.Pairing",
]


def counts():
    return {label: apps.get_model(label).objects.count() for label in RECORD_MODELS}


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_makes_every_kind_of_record_once_and_prints_the_logins(client):
    first = load()
    loaded = counts()
    assert all(loaded.values()), {label: n for label, n in loaded.items() if not n}
    for username, _name, _role, _code in USERS:
        assert f"用户名 {username}  密码 {PASSWORD}" in first

    second = load()
    assert counts() == loaded
    assert "未重复加载" in second

    # The tree: 全总 → 河南 → 2 cities → 4 counties → 4 grassroots units.
    assert Organisation.objects.get(code="410181").path == "100000/410000/410100/410181/"
    assert Organisation.objects.filter(level="grassroots").count() == 4

    # Households in every workflow state.
    statuses = {household.status for household in Household.objects.all()}
    assert statuses == set(HouseholdStatus.values)

    # Every record was written with a user and a reason.
    grant = AidGrant.objects.get(ref="GRANT-2014-001")
    row = grant.history.get()
    assert (row.history_user_name, row.history_change_reason) == ("gongyi_caseworker", "演示数据")

    for username, *_rest in USERS:
        assert client.login(username=username, password=PASSWORD)
        client.logout()
