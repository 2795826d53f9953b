"""The case bundle importer and exporter (``bundle.md``): all or nothing, paths, idempotence, history, round trip."""

import copy
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from aid.models import AidGrant, Expenditure, FundReceipt
from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Household, Person
from casework.bundle import export_bundle, import_bundle, system_user
from casework.models import Organisation
from employment.models import Institution, Training
from notices.models import Notice, NoticeEntry, Objection

IDS = [sample_id_number(i) for i in range(6)]
CASE_APPS = ("casework", "beneficiaries", "notices", "aid", "employment")


def full_bundle():
    """A valid bundle touching every list: a province → city → county tree and one household's records."""
    return {
        "format": "casework-bundle/1",
        "organisations": [
            {"code": "410000", "name": "河南省总工会", "parent": None, "level": "province"},
            {"code": "410100", "name": "郑州市总工会", "parent": "410000", "level": "city"},
            {"code": "410181", "name": "巩义市总工会", "parent": "410100", "level": "county"},
        ],
        "households": [
            {
                "file_no": "H1",
                "org": "410181",
                "kind": "migrant_worker",
                "single_parent_female": False,
                "hardship_reasons": ["illness"],
                "applied_on": "2024-01-05",
                "filed_on": "2024-02-01",
            }
        ],
        "persons": [
            {"id_number": IDS[0], "name": "张三", "household": "H1", "relationship": "head"},
            {"id_number": IDS[1], "name": "张小明", "household": "H1", "relationship": "child"},
            {"id_number": IDS[2], "name": "李四", "phone": "13800000000", "org": "410181"},
        ],
        "schooling": [
            {
                "ref": "S1",
                "id_number": IDS[1],
                "stage": "undergraduate",
                "school": "郑州大学",
                "entered_on": "2023-09-01",
            }
        ],
        "notices": [
            {
                "ref": "N1",
                "org": "410181",
                "posted_at": "社区公示栏",
                "starts_on": "2024-03-01",
                "ends_on": "2024-03-07",
                "entries": [{"id_number": IDS[1], "amount": "2000"}],
                "objections": [],
            }
        ],
        "aid_grants": [
            {"ref": "G1", "org": "410181", "id_number": IDS[1], "granted_on": "2024-09-01", "amount": "2000.00"}
        ],
        "fund_receipts": [
            {
                "ref": "F1",
                "org": "410181",
                "programme": "student_aid",
                "source": "union",
                "received_on": "2024-08-01",
                "amount": "50000",
            }
        ],
        "expenditures": [
            {
                "ref": "E1",
                "org": "410181",
                "programme": "employment",
                "use": "training",
                "spent_on": "2024-05-01",
                "amount": 1200.5,
            }
        ],
        "work_study_offers": [
            {"ref": "W1", "org": "410181", "unit_name": "某公司", "offered_on": "2024-07-01", "posts": 3}
        ],
        "institutions": [{"code": "I1", "name": "巩义职校", "org": "410181", "designations": ["migrant_demo_base"]}],
        "trainings": [
            {
                "ref": "T1",
                "org": "410181",
                "id_number": IDS[2],
                "institution": "I1",
                "type": "skills",
                "category": "migrant_worker",
                "started_on": "2024-04-01",
                "ended_on": "2024-04-20",
            }
        ],
        "certificates": [
            {
                "ref": "C1",
                "id_number": IDS[2],
                "issuer": "labour_dept",
                "level": "intermediate",
                "issued_on": "2024-05-01",
                "via_assessment": True,
            }
        ],
        "placements": [
            {
                "ref": "P1",
                "org": "410181",
                "id_number": IDS[2],
                "employer": "某厂",
                "channel": "union_referral",
                "category": "migrant_worker",
                "employed_on": "2024-06-01",
                "contract_months": 12,
            }
        ],
        "loans": [
            {
                "ref": "L1",
                "org": "410181",
                "id_number": IDS[2],
                "kind": "small_loan",
                "category": "migrant_worker",
                "lent_on": "2024-06-10",
                "amount": "30000",
                "jobs_created": 2,
            }
        ],
        "services": [
            {
                "ref": "V1",
                "org": "410181",
                "id_number": IDS[2],
                "type": "job_search_subsidy",
                "served_on": "2024-06-15",
                "amount": "500",
            },
            {"ref": "V2", "org": "410181", "id_number": IDS[2], "type": "legal_aid", "served_on": "2024-06-16"},
        ],
        "graduates": [
            {
                "id_number": IDS[1],
                "org": "410181",
                "graduation_year": 2024,
                "university": "郑州大学",
                "university_local": True,
                "origin_local": True,
                "registered_on": "2024-07-01",
            }
        ],
        "job_fairs": [
            {
                "ref": "J1",
                "org": "410181",
                "name": "春风行动",
                "held_on": "2024-03-15",
                "positions_total": 100,
                "positions_for_graduates": 30,
            }
        ],
        "position_offers": [
            {
                "ref": "O1",
                "org": "410181",
                "employer": "某国企",
                "employer_type": "state_owned",
                "offered_on": "2024-04-01",
                "positions": 10,
            }
        ],
    }


def case_models():
    return [m for app in CASE_APPS for m in apps.get_app_config(app).get_models() if hasattr(m, "history")]


def counts():
    """Rows and history rows of every case model (what "nothing written" is checked against)."""
    return {m._meta.label: (m._default_manager.count(), m.history.count()) for m in case_models()}


def run(bundle, **kwargs):
    kwargs.setdefault("reason", "bundle import test.json")
    return import_bundle(bundle, **kwargs)


@pytest.mark.django_db
def test_full_bundle_imports_every_list_with_history():
    result = run(full_bundle())
    assert result.errors == []
    assert Organisation.objects.get(code="410181").path == "410000/410100/410181/"
    assert Person.objects.count() == 3
    stranger = Person.objects.get(id_number_digest=Person.digest(IDS[2]))
    # No household: the unit the person record names (``org``, required then).
    assert stranger.organisation.code == "410181"
    assert stranger.phone == "13800000000"
    member = Person.objects.get(id_number_digest=Person.digest(IDS[1]))
    assert member.household.file_no == "H1" and member.organisation.code == "410181"
    assert AidGrant.objects.get().amount == 2000
    assert str(Expenditure.objects.get().amount) == "1200.50"
    assert Institution.objects.get().migrant_demo_base is True
    assert Institution.objects.get().advanced_institution is False
    assert Notice.objects.get().status == "published"
    assert NoticeEntry.objects.get().person == member
    grant_history = AidGrant.history.get()
    assert grant_history.history_change_reason == "bundle import test.json"
    assert grant_history.history_user.username == "system"
    assert grant_history.history_user_name == "system" and grant_history.history_type == "+"
    assert grant_history.person_id == member.pk and grant_history.amount == 2000
    # The keys the import reserved leave the sequence ahead of them: the next record written by the ORM fits.
    later = Household.objects.create(
        file_no="H2", organisation=member.organisation, kind="worker", applied_on=member.household.applied_on
    )
    assert later.pk > member.household.pk
    assert result.counts["persons"] == {"created": 3, "updated": 0, "unchanged": 0}


@pytest.mark.django_db
def test_reimport_changes_nothing():
    assert run(full_bundle()).ok
    before = counts()
    result = run(full_bundle())
    assert result.ok
    assert counts() == before
    assert result.counts["aid_grants"] == {"created": 0, "updated": 0, "unchanged": 1}


@pytest.mark.django_db
def test_update_by_ref_is_recorded_with_reason():
    assert run(full_bundle()).ok
    bundle = full_bundle()
    bundle["fund_receipts"][0]["amount"] = "60000.00"
    bundle["persons"][2]["name"] = "李四光"
    result = run(bundle, reason="bundle import fix.json")
    assert result.ok
    receipt = FundReceipt.objects.get(ref="F1")
    assert receipt.amount == 60000
    rows = list(receipt.history.order_by("history_id"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert rows[-1].history_change_reason == "bundle import fix.json"
    assert rows[-1].amount == 60000 and rows[0].amount == 50000
    person = Person.objects.get(id_number_digest=Person.digest(IDS[2]))
    assert person.history.count() == 2 and person.history.first().history_change_reason == "bundle import fix.json"
    assert result.counts["fund_receipts"] == {"created": 0, "updated": 1, "unchanged": 0}


@pytest.mark.django_db
def test_update_replaces_the_whole_record():
    assert run(full_bundle()).ok
    bundle = full_bundle()
    bundle["households"][0]["closed_on"] = "2024-12-01"
    assert run(bundle).ok
    assert str(Household.objects.get().closed_on) == "2024-12-01"
    # The next bundle leaves the optional date out: the stored one goes too.
    assert run(full_bundle()).ok
    assert Household.objects.get().closed_on is None
    assert Household.history.count() == 3


@pytest.mark.django_db
def test_notice_entries_and_objections_follow_the_bundle():
    bundle = full_bundle()
    bundle["notices"][0]["entries"].append({"id_number": IDS[0], "amount": "1500"})
    bundle["notices"][0]["objections"] = [{"id_number": IDS[0], "raised_on": "2024-03-03", "upheld": True}]
    assert run(bundle).ok
    struck = NoticeEntry.objects.get(person__id_number_digest=Person.digest(IDS[0]))
    assert struck.struck_off is True
    assert Objection.objects.get().upheld is True
    # The same notice without that person: their entry and objection are removed, with history.
    assert run(full_bundle()).ok
    assert NoticeEntry.objects.count() == 1 and Objection.objects.count() == 0
    assert NoticeEntry.history.filter(history_type="-").count() == 1


@pytest.mark.django_db
def test_refusals_have_paths_and_nothing_is_written():
    bundle = full_bundle()
    bundle["persons"][1]["id_number"] = IDS[1][:-1] + ("0" if IDS[1][-1] != "0" else "1")
    bundle["households"][0]["kind"] = "farmer"
    bundle["trainings"][0]["started_on"] = "2024-13-01"
    bundle["loans"][0]["institution"] = "ignored"
    bundle["loans"][0]["amount"] = "12.345"
    bundle["job_fairs"][0]["org"] = "999999"
    before = counts()
    result = run(bundle)
    paths = [p for p, _m in result.errors]
    assert "persons[1].id_number" in paths
    assert "households[0].kind" in paths
    assert "trainings[0].started_on" in paths
    assert "loans[0].amount" in paths
    assert "job_fairs[0].org" in paths
    assert counts() == before
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    before = counts()
    result = run(full_bundle(), dry_run=True)
    assert result.ok and result.dry_run
    assert result.counts["persons"]["created"] == 3
    assert counts() == before


@pytest.mark.django_db
def test_duplicate_ref_and_unknown_reference():
    bundle = full_bundle()
    bundle["aid_grants"].append(dict(bundle["aid_grants"][0]))
    bundle["trainings"][0]["institution"] = "NOPE"
    result = run(bundle)
    assert ("aid_grants[1].ref" in [p for p, _ in result.errors]) and result.errors
    assert "trainings[0].institution" in [p for p, _ in result.errors]


@pytest.mark.django_db
def test_command_reports_refusals_on_stderr(tmp_path, capsys):
    bundle = full_bundle()
    bundle["persons"][0]["id_number"] = "12345"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_bundle", str(path))
    err = capsys.readouterr().err
    assert "persons[0].id_number: " in err
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_command_imports_and_names_the_file_in_history(tmp_path):
    path = tmp_path / "spring.json"
    path.write_text(json.dumps(full_bundle(), ensure_ascii=False), encoding="utf-8")
    call_command("import_bundle", str(path))
    assert Training.objects.count() == 1
    assert Training.history.get().history_change_reason == "bundle import spring.json"
    bundle = full_bundle()
    bundle["trainings"][0]["category"] = "laid_off"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    call_command("import_bundle", str(path))
    assert Training.history.count() == 2
    assert Training.history.first().history_change_reason == "bundle import spring.json"


def _rows():
    """Every case record as its bundle fields: what must survive export → empty database → import."""
    bundle = export_bundle(Organisation.objects.get(code="410000"))
    for records in bundle.values():
        if isinstance(records, list):
            records.sort(key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    return bundle


@pytest.mark.django_db
def test_export_import_round_trip(tmp_path):
    bundle = full_bundle()
    bundle["notices"][0]["entries"].append({"id_number": IDS[0], "amount": "1500"})
    bundle["notices"][0]["objections"] = [{"id_number": IDS[0], "raised_on": "2024-03-03", "upheld": True}]
    assert run(bundle).ok
    before = _rows()
    table_counts = {m._meta.label: m._default_manager.count() for m in case_models()}
    path = tmp_path / "export.json"
    call_command("export_bundle", "--org", "410000", str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported["organisations"][0] == {
        "code": "410000",
        "name": "河南省总工会",
        "parent": None,
        "level": "province",
    }
    # Empty the database (history too), then import the export.
    for model in reversed(case_models()):
        if model is Organisation:
            for unit in Organisation.objects.order_by("-path"):  # children before parents (PROTECT)
                unit.delete()
        if model._meta.label != "casework.User":
            model._default_manager.all().delete()
            model.history.all().delete()
    assert Person.objects.count() == 0 and Organisation.objects.count() == 0
    call_command("import_bundle", str(path))
    assert _rows() == before
    assert {m._meta.label: m._default_manager.count() for m in case_models()} == table_counts


@pytest.mark.django_db
def test_export_since_keeps_only_later_dated_records():
    assert run(full_bundle()).ok
    bundle = export_bundle(Organisation.objects.get(code="410181"), since=__import__("datetime").date(2024, 6, 5))
    assert [r["ref"] for r in bundle["loans"]] == ["L1"]
    assert bundle["trainings"] == [] and bundle["placements"] == []
    assert sorted(r["ref"] for r in bundle["services"]) == ["V1", "V2"]
    assert bundle["organisations"] == [{"code": "410181", "name": "巩义市总工会", "parent": None, "level": "county"}]
    assert len(bundle["persons"]) == 3


def test_bundle_helper_is_not_shared_state():
    assert full_bundle() == copy.deepcopy(full_bundle())


@pytest.mark.django_db
def test_command_user_is_named_in_history(tmp_path, tree, make_user):
    officer = make_user(tree.national)
    path = tmp_path / "named.json"
    path.write_text(json.dumps(full_bundle(), ensure_ascii=False), encoding="utf-8")
    call_command("import_bundle", str(path), "--user", officer.username)
    row = Training.history.get()
    assert row.history_user_id == officer.pk and row.history_user_name == officer.username


def _queries(records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.import_bundle import generate

    bundle = generate(records)
    with CaptureQueriesContext(connection) as queries:
        result = run(bundle)
    assert result.ok, result.errors[:5]
    return len(queries), sum(len(v) for v in bundle.values() if isinstance(v, list))


@pytest.mark.django_db
def test_import_queries_do_not_grow_with_the_records():
    system_user()  # created once, on the first import
    small, small_records = _queries(400)
    for model in reversed(case_models()):
        if model is Organisation:
            for unit in Organisation.objects.order_by("-path"):
                unit.delete()
        elif model._meta.label != "casework.User":
            model._default_manager.all().delete()
    large, large_records = _queries(1600)
    assert large_records > 3 * small_records
    # No query per record: only the database's statement batches (a few hundred rows each) may add one.
    assert large - small <= (large_records - small_records) / 500


@pytest.mark.django_db
def test_exported_county_reimports_without_touching_other_units_members():
    bundle = full_bundle()
    bundle["organisations"].append({"code": "410182", "name": "荥阳市总工会", "parent": "410100", "level": "county"})
    bundle["households"].append(
        {"file_no": "H9", "org": "410182", "kind": "worker", "applied_on": "2024-01-05", "filed_on": "2024-02-01"}
    )
    bundle["persons"].append({"id_number": IDS[4], "name": "王五", "household": "H9", "relationship": "head"})
    # A member of the other county's file, served in this county.
    bundle["services"].append(
        {"ref": "V9", "org": "410181", "id_number": IDS[4], "type": "legal_aid", "served_on": "2024-06-16"}
    )
    assert run(bundle).ok
    exported = export_bundle(Organisation.objects.get(code="410181"))
    assert IDS[4] not in [p["id_number"] for p in exported["persons"]]
    assert "V9" in [s["ref"] for s in exported["services"]]
    before = counts()
    assert run(exported).ok
    assert counts() == before
    assert Person.objects.get(id_number_digest=Person.digest(IDS[4])).household.file_no == "H9"
