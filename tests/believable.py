"""Would a caseworker believe these records? The rules, over every person, file and entry in the database.

Each function returns the records breaking one rule (empty when none do), so that a failing
test names them. Used on the demo province (``load_demo``) and on synthetic data.
"""

import re

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Substr

from aid.models import WorkStudyOffer
from beneficiaries.models import Household, Person, Schooling
from casework.choices import Role
from casework.models import Organisation
from employment.models import Placement, PositionOffer
from portal import henan

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"(0\d{2,3})-([2-8]\d{6,7})")
# What real workplaces' names end with; "Employer 17" or "某公司3" end with none of these.
WORKPLACE_ENDINGS = ("厂", "公司", "集团", "合作社", "大楼", "酒店", "所", "油田", "中心", "工作室", "岗位", "联合会")
GENERIC = re.compile(r"某|\d|[A-Za-z]")


def _county_code(path):
    """The code of the county-level unit on an organisation path (or the deepest unit above it)."""
    codes = path.strip("/").split("/")
    return codes[3] if len(codes) > 3 else codes[-1]


def _city_code(path):
    codes = path.strip("/").split("/")
    return codes[2] if len(codes) > 2 else None


def _place(org_name):
    return org_name.removesuffix("总工会")


def id_number_problems():
    """Gender digit, birth date and region of every person's ID number against the person."""
    problems = []
    for person in Person.objects.select_related("organisation"):
        number = person.id_number
        male = int(number[16]) % 2 == 1
        if person.gender != ("male" if male else "female"):
            problems.append((person.name, "gender", number[16], person.gender))
        if number[6:14] != person.birth_date.strftime("%Y%m%d"):
            problems.append((person.name, "birth date", number[6:14], person.birth_date))
        if number[:6] != _county_code(person.organisation.path):
            problems.append((person.name, "region", number[:6], person.organisation.path))
    return problems


def names_not_fitting_gender():
    """Persons whose given name is not one of the pool of their gender (the gender read from the ID number)."""
    persons = Person.objects.annotate(given=Substr("name", 2))
    return list(persons.filter(gender="male").exclude(given__in=henan.MALE_NAMES).values_list("name", "gender")) + list(
        persons.filter(gender="female").exclude(given__in=henan.FEMALE_NAMES).values_list("name", "gender")
    )


def surname_counts():
    """{surname: persons}, most frequent first."""
    rows = (
        Person.objects.annotate(surname=Substr("name", 1, 1))
        .values("surname")
        .annotate(n=Count("id"))
        .order_by("-n", "surname")
    )
    return {row["surname"]: row["n"] for row in rows}


def children_with_a_father():
    """(children in a file with a father, those of them with the father's surname)."""
    fathers = Person.objects.filter(
        household=OuterRef("household"), relationship__in=("head", "spouse"), gender="male"
    ).annotate(surname=Substr("name", 1, 1))
    children = Person.objects.filter(relationship="child").annotate(
        surname=Substr("name", 1, 1), father_surname=Subquery(fathers.values("surname")[:1])
    )
    with_father = children.filter(father_surname__isnull=False)
    return with_father.count(), with_father.filter(surname=F("father_surname")).count()


def age_gap_problems():
    """Children at least 18 years younger than the head and spouse; the head's parents 18 years older."""
    problems = []
    members = Person.objects.filter(household__isnull=False).values_list(
        "household_id", "name", "relationship", "birth_date"
    )
    by_household = {}
    for household_id, name, relationship, born in members:
        by_household.setdefault(household_id, []).append((name, relationship, born))
    for rows in by_household.values():
        couple = [born for _name, relationship, born in rows if relationship in ("head", "spouse")]
        head = [born for _name, relationship, born in rows if relationship == "head"]
        for name, relationship, born in rows:
            if relationship == "child" and any(henan.age_on(parent, born) < 18 for parent in couple):
                problems.append((name, "child too close in age to a parent", born, couple))
            if relationship == "parent" and any(henan.age_on(born, child) < 18 for child in head):
                problems.append((name, "parent too close in age to the head", born, head))
    return problems


def schooling_problems():
    """Entries on 1 September, admitted in July or August if at all, at the age of the stage entered."""
    problems = []
    for stage, admitted, entered, born, name in Schooling.objects.values_list(
        "stage", "admitted_on", "entered_on", "person__birth_date", "person__name"
    ):
        if (entered.month, entered.day) != henan.SCHOOL_YEAR_STARTS:
            problems.append((name, stage, "entered", entered))
        if admitted is not None and (admitted.month not in (7, 8) or admitted.year != entered.year):
            problems.append((name, stage, "admitted", admitted))
        if henan.age_on(born, entered) not in henan.ENTRY_AGES[stage]:
            problems.append((name, stage, "age", henan.age_on(born, entered)))
    return problems


def school_name_problems():
    """Schools named after the student's county or city, or a real university or college of the lists."""
    names = dict(Organisation.objects.values_list("code", "name"))
    known = set(henan.UNIVERSITIES_LOCAL + henan.UNIVERSITIES_ELSEWHERE + henan.COLLEGES_LOCAL)
    problems = []
    for school, path in Schooling.objects.values_list("school", "person__organisation__path"):
        places = (_place(names[_county_code(path)]), _place(names[_city_code(path)]))
        if school not in known and not school.startswith(places):
            problems.append((school, places))
    return problems


def file_staff_problems():
    """Every county's file opened by that county's caseworker (and its history row says so), reviewed,
    filed and closed by that county's reviewer."""
    problems = []
    counties = {org.code: org.pk for org in Organisation.objects.filter(level="county")}
    staff = {}
    history = dict(
        Household.history.filter(history_type="+").order_by("history_id").values_list("id", "history_user_id")
    )
    for household in Household.objects.select_related(
        "organisation", "applied_by", "reviewed_by", "filed_by", "closed_by"
    ):
        county_pk = counties.get(_county_code(household.organisation.path))
        if county_pk is None:
            continue
        for field, role in (
            ("applied_by", Role.CASEWORKER),
            ("reviewed_by", Role.REVIEWER),
            ("filed_by", Role.REVIEWER),
            ("closed_by", Role.REVIEWER),
        ):
            user = getattr(household, field)
            due = field == "applied_by" or getattr(household, field.replace("_by", "_on"))
            if due and (user is None or user.organisation_id != county_pk or user.role != role):
                problems.append((household.file_no, field, user and user.username))
        if history.get(household.pk) != household.applied_by_id:
            problems.append((household.file_no, "history user", history.get(household.pk)))
        staff.setdefault(county_pk, set()).add(household.applied_by_id)
    for county_pk, caseworkers in staff.items():
        if len(caseworkers) != 1:
            problems.append((county_pk, "caseworkers", caseworkers))
    return problems


def phone_problems():
    """Mobiles of 11 digits on 1[3-9]; landlines with the area code of the person's city."""
    problems = []
    for person in Person.objects.exclude(phone_encrypted="").select_related("organisation"):
        phone = person.phone
        landline = LANDLINE.fullmatch(phone)
        if landline:
            area, digits = henan.AREA_CODES[_city_code(person.organisation.path)]
            if landline.group(1) != area or len(landline.group(2)) != digits:
                problems.append((person.name, phone, area))
        elif not MOBILE.fullmatch(phone):
            problems.append((person.name, phone))
    return problems


def workplace_problems():
    """Employers, workplaces and addresses that read like placeholders."""
    names = [
        *Placement.objects.values_list("employer", flat=True),
        *PositionOffer.objects.values_list("employer", flat=True),
        *WorkStudyOffer.objects.values_list("unit_name", flat=True),
        *Person.objects.exclude(work_unit="").values_list("work_unit", flat=True),
    ]
    problems = [name for name in names if GENERIC.search(name) or not name.strip().endswith(WORKPLACE_ENDINGS)]
    for address, org_name in Household.objects.exclude(address="").values_list("address", "organisation__name"):
        if "某" in address or not address.startswith(_place(org_name)[:2]):
            problems.append(address)
    return problems
