"""The synthetic data generator: deterministic, sane proportions, and consistent with the guard rules."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef

from aid.models import AidGrant
from beneficiaries.id_numbers import validate_id_number
from beneficiaries.models import Graduate, Household, Person, Schooling, advance_date, on_file_q
from casework import guards
from casework.choices import Role
from casework.models import Organisation, User
from employment.models import Certificate, Placement, Training
from notices.models import NoticeEntry, Objection
from portal import henan, synthetic
from tests import believable
from tests.factories import PersonFactory

PERSONS = 600


class _Rollback(Exception):
    pass


def _fingerprint():
    persons = list(Person.objects.order_by("pk")[:25])
    return {
        "counts": _counts(),
        "first_ids": [p.id_number for p in persons],
        "first_names": [p.name for p in persons],
        "grants": list(AidGrant.objects.order_by("pk").values_list("ref", "person_id", "granted_on", "amount")[:20]),
    }


def _counts():
    counts = {model._meta.label: model.objects.count() for model in synthetic._Writer.ORDER}
    # The counties' staff; the system user that writes the rest is not counted.
    counts["casework.User"] = User.objects.exclude(username=synthetic.USERNAME).count()
    return counts


@pytest.fixture
def generated(db):
    return synthetic.generate(persons=PERSONS, seed=11)


def test_same_seed_same_data_and_another_seed_other_data(db):
    runs = []
    for seed in (5, 5, 6):
        try:
            with transaction.atomic():
                synthetic.generate(persons=300, seed=seed)
                runs.append(_fingerprint())
                raise _Rollback
        except _Rollback:
            pass
    assert Person.objects.count() == 0  # each run was rolled back
    assert runs[0] == runs[1]
    assert runs[0]["first_ids"] != runs[2]["first_ids"]
    assert runs[0]["counts"]["beneficiaries.Person"] == runs[2]["counts"]["beneficiaries.Person"] == 300


def test_counts_returned_match_the_tables(generated):
    assert generated == {label: n for label, n in _counts().items() if n}
    assert generated["beneficiaries.Person"] == PERSONS


def test_tree_is_sized_to_the_persons(generated):
    cities, counties, grassroots = synthetic.tree_size(PERSONS)
    assert (cities, counties, grassroots) == (2, 8, 8)  # 600 // 600 → at least 2; 600 // 70 = 8
    by_level = dict(Organisation.objects.values_list("level").annotate(n=Count("id")))
    assert by_level == {"national": 1, "province": 1, "city": 2, "county": 8, "grassroots": 8}
    # Real county-level units of the first cities, four of each: 郑州's and 开封's.
    expected = [code for city in ("410100", "410200") for code, _name in henan.COUNTIES[city][:4]]
    assert sorted(Organisation.objects.filter(level="county").values_list("code", flat=True)) == expected
    assert Organisation.objects.get(code="410102").name == "郑州市中原区总工会"
    assert synthetic.tree_size(1_000_000) == (17, 150, 10_000)
    unit = Organisation.objects.filter(level="grassroots").order_by("code").first()
    assert unit.path == f"100000/410000/{unit.parent.parent.code}/{unit.parent.code}/{unit.code}/"
    # every person is registered by a grassroots unit
    assert Person.objects.exclude(organisation__level="grassroots").count() == 0


def test_proportions_are_sane(generated):
    persons = PERSONS
    households = Household.objects.count()
    in_households = Person.objects.filter(household__isnull=False).count()
    assert persons / 4 < households < persons / 2.5  # about one household per three persons
    assert 0.8 < in_households / persons < 0.97  # most persons belong to a household file
    assert Household.objects.filter(members__relationship="head").count() == households  # one head each
    heads = Person.objects.filter(relationship="head").count()
    assert heads == households
    children = Person.objects.filter(relationship="child").count()
    assert 0.25 < children / persons < 0.5
    on_file = Household.objects.on_file(datetime.date(2014, 11, 30)).count()
    assert 0.7 < on_file / households < 0.95
    # at least some of everything, and fewer records than people where the notice suggests so
    for label, n in generated.items():
        assert n > 0, label
    assert 0 < AidGrant.objects.count() < children * 3
    assert 0 < Training.objects.count() < persons
    assert Certificate.objects.count() < Training.objects.count()
    assert Placement.objects.count() < persons
    assert Graduate.objects.count() < children


def test_id_numbers_valid_unique_and_match_birth_date_and_gender(generated):
    seen = set()
    for person in Person.objects.all():
        number = validate_id_number(person.id_number)
        assert number not in seen
        seen.add(number)
        assert person.birth_date == datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert person.gender == ("male" if int(number[16]) % 2 else "female")
        assert person.id_number_digest == Person.digest(number)
    assert len(seen) == PERSONS


def test_grants_respect_the_guard_rules(generated):
    grants = AidGrant.objects.all()
    assert grants.exists()
    # 依档帮扶: the recipient's household is on file on the grant date
    assert grants.exclude(on_file_q(F("granted_on"), "person__household__")).count() == 0
    assert grants.filter(person__household__isnull=True).count() == 0
    # a schooling record in force on the grant date (from its advance date: admitted on, else entered on)
    in_force = Schooling.objects.annotate(advanced=advance_date()).filter(
        person=OuterRef("person"), advanced__lte=OuterRef("granted_on")
    )
    assert grants.exclude(Exists(in_force)).count() == 0
    # 公示: the first grant of each person follows a notice listing them that ended before it,
    # with no upheld objection against them on that notice
    first = {}
    for person_id, day in grants.values_list("person_id", "granted_on"):
        first[person_id] = min(day, first.get(person_id, day))
    upheld = set(Objection.objects.filter(upheld=True).values_list("notice_id", "person_id"))
    for person_id, day in first.items():
        notices = NoticeEntry.objects.filter(person_id=person_id, notice__ends_on__lt=day).values_list(
            "notice_id", flat=True
        )
        assert any((notice_id, person_id) not in upheld for notice_id in notices), person_id
    # an upheld objection means no grant at all for that person
    assert not grants.filter(person_id__in=[p for _, p in upheld]).exists()
    # the notice entry carries the grant as assistance standard, and grants are positive
    assert grants.filter(amount__lte=0).count() == 0
    # every guard rule registered by the apps accepts every generated record
    checked = 0
    for model in synthetic._Writer.ORDER:
        if guards.rules_for(model):
            problems = guards.check(model, list(model.objects.all()))
            assert not problems, (model, dict(list(problems.items())[:3]))
            checked += 1
    assert checked >= 1  # at least the graduate rule


def test_dates_consistent_and_not_in_future(generated):
    today = datetime.date.today()
    end = datetime.date(synthetic.LAST_YEAR, 12, 31)
    assert Training.objects.filter(ended_on__lt=F("started_on")).count() == 0
    assert Training.objects.filter(started_on__gt=end).count() == 0
    assert Household.objects.filter(filed_on__lt=F("applied_on")).count() == 0
    assert Household.objects.filter(closed_on__lte=F("filed_on")).count() == 0
    assert Household.objects.filter(filed_on__gt=today).count() == 0
    assert Graduate.objects.filter(person__household__isnull=True).count() == 0
    assert Graduate.objects.filter(exited_on__lt=F("registered_on")).count() == 0


def test_one_history_row_per_object_dated_on_the_record(generated):
    history = AidGrant.history.model.objects.all()
    assert history.count() == AidGrant.objects.count()
    assert set(history.values_list("history_type", "history_change_reason", "history_user_name")) == {
        ("+", synthetic.REASON, synthetic.USERNAME)
    }
    row = history.order_by("history_id").first()
    grant = AidGrant.objects.get(pk=row.id)
    assert row.history_date.astimezone(synthetic.TZ).date() == grant.granted_on
    assert Person.history.model.objects.count() == PERSONS
    # Every generated object of the case models has exactly one history row, naming an existing user,
    # whose name is copied alongside; the staff accounts have theirs too.
    users = dict(User.objects.values_list("pk", "username"))
    staff = User.objects.exclude(username=synthetic.USERNAME)
    for model, objects in [*((m, m.objects.all()) for m in synthetic._Writer.ORDER), (User, staff)]:
        rows = model.history.model.objects.filter(id__in=objects.values("pk"))
        assert rows.count() == objects.count() == len(set(rows.values_list("id", flat=True))), model
        pairs = set(rows.values_list("history_user_id", "history_user_name"))
        assert all(users.get(pk) == name for pk, name in pairs), (model, pairs - set(users.items()))
    # Files, their members and their schooling are written by the county's caseworker, the rest by "synthetic".
    households = Household.history.model.objects.filter(history_type="+")
    assert households.exclude(history_user_id=F("applied_by_id")).count() == 0


def test_data_a_caseworker_would_believe(generated):
    """Every rule of issue 16 item 12, over the whole generated set."""
    assert believable.id_number_problems() == []
    assert believable.names_not_fitting_gender() == []
    surnames = believable.surname_counts()
    assert set(surnames) <= set(henan.SURNAMES)
    assert set(list(surnames)[:3]) <= set("王李张刘陈")  # the commonest surnames lead, as in 河南
    assert sum(list(surnames.values())[:3]) > PERSONS * 0.12
    with_father, sharing = believable.children_with_a_father()
    assert with_father > 50
    assert 0.85 < sharing / with_father < 1  # mostly the father's surname, now and then the mother's
    assert believable.age_gap_problems() == []
    assert Schooling.objects.count() > 50
    assert believable.schooling_problems() == []
    assert believable.school_name_problems() == []
    # every stage that the ages of the generated children reach is there
    assert {"primary", "junior_secondary", "senior_secondary", "undergraduate"} <= set(
        Schooling.objects.values_list("stage", flat=True)
    )
    # graduates: about 22 when they graduate
    for graduation_year, born in Graduate.objects.values_list("graduation_year", "person__birth_date"):
        assert 21 <= graduation_year - born.year <= 24
    assert believable.file_staff_problems() == []
    county_staff = User.objects.filter(organisation__level="county")
    assert county_staff.filter(role=Role.CASEWORKER).count() == Organisation.objects.filter(level="county").count()
    assert county_staff.filter(role=Role.REVIEWER).count() == Organisation.objects.filter(level="county").count()
    assert not county_staff.filter(is_active=True).exists()  # nobody logs in as them
    phones = Person.objects.exclude(phone_encrypted="")
    assert phones.count() > PERSONS / 4
    assert believable.phone_problems() == []
    landlines = [p for p in phones if "-" in p.phone]
    assert 0 < len(landlines) < phones.count() / 2
    assert believable.workplace_problems() == []
    assert Person.objects.exclude(work_unit="").count() > PERSONS / 5


def test_command_prints_counts_and_refuses_a_filled_database(db):
    out = io.StringIO()
    call_command("generate_synthetic", "--persons", "120", "--seed", "3", stdout=out, stderr=io.StringIO())
    assert "beneficiaries.Person" in out.getvalue()
    assert Person.objects.count() == 120
    # explicit keys must not break later ordinary inserts (sequences are reset on PostgreSQL)
    highest = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert PersonFactory().pk > highest
    with pytest.raises(CommandError):
        call_command("generate_synthetic", "--persons", "10", stdout=io.StringIO(), stderr=io.StringIO())
