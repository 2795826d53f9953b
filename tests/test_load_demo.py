"""`manage.py load_demo`: every kind of record, through the services, idempotent, with working logins."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from aid.models import AidGrant
from beneficiaries.choices import HouseholdStatus
from beneficiaries.models import Household, Person, Schooling
from casework.choices import Role
from casework.models import Organisation, User
from portal import henan
from portal.management.commands.load_demo import PASSWORD, USERS
from tests import believable

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


@pytest.mark.django_db
def test_the_demo_province_is_believable():
    """Every rule of issue 16 item 12, over every record ``load_demo`` writes."""
    load()
    assert Person.objects.count() > 20
    assert believable.id_number_problems() == []
    assert believable.names_not_fitting_gender() == []
    assert set(believable.surname_counts()) <= set(henan.SURNAMES)
    with_father, sharing = believable.children_with_a_father()
    assert with_father > 0 and sharing == with_father  # every child of a father in the demo has his surname
    assert believable.age_gap_problems() == []
    assert Schooling.objects.count() >= 6
    assert believable.schooling_problems() == []
    assert believable.school_name_problems() == []
    assert believable.file_staff_problems() == []
    assert Person.objects.exclude(phone_encrypted="").count() >= 10
    assert believable.phone_problems() == []
    assert believable.workplace_problems() == []


@pytest.mark.django_db
def test_each_county_has_its_own_staff_and_the_printed_logins_stay():
    out = load()
    printed = [line for line in out.splitlines() if "用户名" in line]
    assert [line.split("用户名 ")[1].split()[0] for line in printed] == [row[0] for row in USERS]
    for county in Organisation.objects.filter(level="county"):
        roles = set(User.objects.filter(organisation=county).values_list("role", flat=True))
        assert roles == {Role.CASEWORKER, Role.REVIEWER}, county.code
    # The 巩义 files: opened by the printed county caseworker, reviewed by 巩义's reviewer.
    gongyi = Household.objects.filter(organisation__code="410181")
    assert set(gongyi.values_list("applied_by__username", flat=True)) == {"gongyi_caseworker"}
    assert set(gongyi.exclude(reviewed_by=None).values_list("reviewed_by__username", flat=True)) == {"gongyi_reviewer"}
