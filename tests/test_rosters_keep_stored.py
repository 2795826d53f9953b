"""A roster re-imported for records on record changes only what its columns say.

A bundle update replaces the whole record, and a roster carries only some of its
fields (no member details, no household economics, …): the conversion completes
each record with the values on record (``rosters.conversion.complete``). Here every
field of every list a roster writes is set — the fields are read from the bundle
lists themselves (``casework.bundle.spec``), so a field a list gains later is set,
and must be kept, too — and rosters carrying fewer columns are imported again.
"""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from beneficiaries.choices import HardshipReason, IncomeSource
from beneficiaries.models import Household, Person
from casework.bundle import export_bundle, import_bundle
from casework.bundle import spec as registry
from casework.bundle.fields import Boolean, Date, Integer, Money, Ref, Text
from employment.choices import Designation
from rosters.models import Status
from rosters.templates import CHILD_ID, KINDS, template_bytes
from tests.factories import NoticeEntryFactory, NoticeFactory, PersonFactory
from tests.test_rosters_conversion import xlsx
from tests.test_rosters_import import D, problems, run

pytestmark = pytest.mark.django_db

# Values no model field tells: lists of words, and texts with a format of their own.
WORDS = {"hardship_reasons": HardshipReason, "income_sources": IncomeSource, "designations": Designation}
TEXTS = {"phone": "13800000001", "responsible_phone": "13912345678", "responsible_name": "王帮扶", "school": "某学校"}


def left_empty(name, record):
    """Fields left empty: a workflow step (closing needs its code and note), and a person's unit when they
    belong to a file (it is the file's) or their file and relationship when they do not."""
    if name == "households":
        return {"closed_on"}
    if name == "persons":
        return {"org"} if record.get("household") else {"household", "relationship"}
    return set()


# Columns a roster row needs besides the required ones to name the record it writes (a grant: its date).
NAMING = {"students": {"amount", "granted_on"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def user(tree, make_user):
    return make_user(tree.city_a, username="caseworker")


def empty(value):
    return value in (None, "", [], False)


def value_for(spec, name, field, record, tree):
    """A valid, non-empty value for the bundle field ``name`` of a record of ``spec``'s list."""
    if name in WORDS:
        return [WORDS[name].values[-1]]
    if name in TEXTS:
        return TEXTS[name]
    if isinstance(field, Ref):
        # A unit that passed money down (上级拨付) lies above the user's unit.
        assert field.target == "organisations", f"no value for {spec.name}.{name}: add one to this test"
        return tree.province.code
    if isinstance(field, Boolean):
        return True
    if isinstance(field, Money):
        return "1234.50"
    if isinstance(field, Integer):
        return 2
    if isinstance(field, Date):
        # Before every date of the record (a record's dates run forward: admitted before entering).
        dates = [v for n, v in record.items() if isinstance(spec.fields.get(n), Date)]
        return min(dates)
    model_field = spec.model._meta.get_field(field.attr or name)
    if model_field.choices:
        return [code for code, _label in model_field.choices if code][-1]
    if isinstance(field, Text):
        return f"测试{name}"
    raise AssertionError(f"no value for {spec.name}.{name}: add one to this test")


def setup_kind(kind, user, tree):
    """Import the kind's template (and what it builds on); the names of the lists it wrote."""
    if kind == "students":
        assert run(template_bytes(KINDS["households"]), "households", user, tree.city_a).status == Status.IMPORTED
        household = Household.objects.get(file_no="ZZ-2024-0001")
        child = PersonFactory(id_number=CHILD_ID, name="张小明", household=household, relationship="child")
        notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2024, 8, 20), ends_on=D(2024, 8, 27))
        NoticeEntryFactory(notice=notice, person=child, amount="2000.00")  # the template's example grant
    roster_import = run(template_bytes(KINDS[kind]), kind, user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    return sorted(roster_import.report["counts"])


def fill_every_field(names, user, tree):
    """Set every empty field of the records of ``names`` (through the bundle importer, i.e. the services)."""
    bundle = export_bundle(tree.city_a)
    filled = {"format": bundle["format"]}
    for name in names:
        spec = registry.get(name)
        filled[name] = []
        for record in bundle[name]:
            record = dict(record)
            for field_name, field in spec.fields.items():
                if field_name in left_empty(name, record) or not empty(record.get(field_name)):
                    continue
                if isinstance(field, Ref) and field.target != "organisations":
                    continue  # a file or a person: the roster's own columns (membership, the student)
                record[field_name] = value_for(spec, field_name, field, record, tree)
            filled[name].append(record)
    result = import_bundle(filled, acting_user=user, reason="every field")
    assert result.ok, result.lines()
    return snapshot(names, tree)


def snapshot(names, tree):
    bundle = export_bundle(tree.city_a)
    return {name: bundle[name] for name in names}


def history_rows(names):
    return {name: registry.get(name).model.history.count() for name in names}


def roster(kind, stored, *, keep_optional):
    """The kind's template with fewer columns: only the required ones (and those naming a record), or
    every column with the optional cells blank — except 是/否 cells, whose blank says 否, carrying the stored value.
    """
    book = load_workbook(io.BytesIO(template_bytes(KINDS[kind])))
    sheets = {}
    for section in KINDS[kind].sections:
        sheet = book[str(section.title)]
        header = [c.value for c in sheet[1]]
        example = [c.value for c in sheet[2]]
        rows = [[], []]
        for column, head, value in zip(section.columns, header, example, strict=True):
            needed = column.required or column.field in NAMING.get(kind, ())
            if not needed and not keep_optional:
                continue
            if not needed:
                if column.type == "boolean":
                    flags = [r[column.field] for records in stored.values() for r in records if column.field in r]
                    value = "是" if flags and flags[0] else "否"
                else:
                    value = None
            rows[0].append(head)
            rows[1].append(value)
        sheets[str(section.title)] = rows
    return xlsx(sheets)


@pytest.mark.parametrize("keep_optional", [False, True], ids=["required-columns-only", "optional-cells-blank"])
@pytest.mark.parametrize("kind", ["households", "students", "funds", "trainees", "graduates", "placements", "loans"])
def test_a_roster_re_import_keeps_every_field_it_does_not_carry(kind, keep_optional, user, tree):
    if kind == "graduates":
        assert run(template_bytes(KINDS["households"]), "households", user, tree.city_a).status == Status.IMPORTED
    names = setup_kind(kind, user, tree)
    before = fill_every_field(names, user, tree)
    # Every field of every list the roster wrote is set: a field added to a list later is set here too.
    for name in names:
        for record in before[name]:
            unset = [f for f in registry.get(name).fields if f not in left_empty(name, record) and empty(record.get(f))]
            assert not unset, (name, unset)
    rows = history_rows(names)

    roster_import = run(roster(kind, before, keep_optional=keep_optional), kind, user, tree.city_a)

    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert snapshot(names, tree) == before
    assert history_rows(names) == rows  # nothing was written: no history row says a field changed


def test_the_roster_still_changes_what_its_columns_say(user, tree):
    names = setup_kind("households", user, tree)
    before = fill_every_field(names, user, tree)
    content = xlsx(
        {
            "困难职工档案": [
                ["档案编号", "类别", "申请日期", "建档日期"],
                ["ZZ-2024-0001", "困难职工", "2024-3-1", "2024-4-20"],
            ],
            "家庭成员": [
                ["档案编号", "姓名", "身份证号码", "与户主关系", "联系电话"],
                ["ZZ-2024-0001", "张建国", before["persons"][0]["id_number"], "户主", "13700000000"],
            ],
        }
    )
    roster_import = run(content, "households", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    after = snapshot(names, tree)
    assert after["households"][0] == {**before["households"][0], "filed_on": "2024-04-20"}
    assert after["persons"][0] == {**before["persons"][0], "phone": "13700000000"}
    latest = Household.objects.get().history.latest()
    assert latest.diff_against(latest.prev_record).changed_fields == ["filed_on"]
    assert Decimal(after["households"][0]["monthly_income"]) == Decimal("1234.50")
    member = Person.objects.get().history.latest()
    assert member.phone_encrypted != member.prev_record.phone_encrypted
    assert member.diff_against(member.prev_record, excluded_fields=["phone_encrypted"]).changed_fields == []
