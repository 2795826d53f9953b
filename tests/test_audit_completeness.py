"""Audit completeness: every record model keeps a history, and API and admin writes sign it.

A history row written by the API or the admin must name the acting user and give
a reason; a new model without simple-history fails here.
"""

import pytest
from django.apps import apps
from django.db.models import Max

from casework.choices import Role
from casework.models import Organisation
from tests.factories import HouseholdFactory, PersonFactory

AUDITED_APPS = ["casework", "beneficiaries", "notices", "aid", "employment", "stats"]

# Pure log tables: append-only rows that are themselves the audit trail.
LOG_TABLES = {
    "casework.AccessLog",  # readings of full ID numbers (casework/access_log.py)
}


def record_models():
    for label in AUDITED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name.startswith("historical") or model._meta.label in LOG_TABLES:
                continue
            yield model


def historised_models():
    return [m for m in apps.get_models() if hasattr(m, "history") and not m._meta.model_name.startswith("historical")]


def test_every_record_model_keeps_a_history():
    missing = [m._meta.label for m in record_models() if not hasattr(m, "history")]
    assert missing == [], f"models without simple-history (register it, or list a pure log table): {missing}"


def test_the_log_tables_listed_exist_and_have_no_history():
    for label in LOG_TABLES:
        assert not hasattr(apps.get_model(label), "history")


def _high_water_marks():
    return {m: m.history.aggregate(top=Max("history_id"))["top"] or 0 for m in historised_models()}


def _rows_since(marks):
    rows = []
    for model, top in marks.items():
        for row in model.history.filter(history_id__gt=top).values(
            "history_id", "history_type", "history_user_id", "history_user_name", "history_change_reason"
        ):
            rows.append((model._meta.label, row))
    return rows


def _assert_signed(rows, user):
    assert rows, "the writes left no history rows"
    for label, row in rows:
        assert row["history_user_id"] == user.pk, (label, row)
        assert row["history_user_name"] == user.username, (label, row)
        assert (row["history_change_reason"] or "").strip(), (label, row)


@pytest.fixture
def admin_user(tree, make_user):
    return make_user(tree.province, Role.ADMINISTRATOR, username="auditor", is_staff=True)


def test_api_writes_record_user_and_reason(client, tree, admin_user):
    household = HouseholdFactory(organisation=tree.county_a, reviewed_on=None, filed_on=None)
    person = PersonFactory(organisation=tree.county_a)
    marks = _high_water_marks()
    client.force_login(admin_user)
    hh = f"/api/v1/households/{household.pk}/"

    responses = [
        client.patch(hh, {"address": "巩义市"}, content_type="application/json", HTTP_X_CHANGE_REASON="地址更正"),
        # Without a header the action's own name is the reason.
        client.post(hh + "review/", {}, content_type="application/json"),
        client.post(hh + "return/", {"return_reason": "缺收入证明"}, content_type="application/json"),
        client.patch(f"/api/v1/persons/{person.pk}/", {"name": "改名"}, content_type="application/json"),
        client.post(
            "/api/v1/schooling/",
            {
                "ref": "SCH-AUDIT-1",
                "person": person.pk,
                "stage": "senior_secondary",
                "school": "巩义一中",
                "entered_on": "2020-09-01",
            },
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 201], [r.content for r in responses]
    schooling = responses[-1].json()["id"]
    assert client.delete(f"/api/v1/schooling/{schooling}/").status_code == 204

    rows = _rows_since(marks)
    _assert_signed(rows, admin_user)
    # household: change, review, return; person: change; schooling: create, delete.
    kinds = sorted((label, row["history_type"]) for label, row in rows)
    assert kinds == [
        ("beneficiaries.Household", "~"),
        ("beneficiaries.Household", "~"),
        ("beneficiaries.Household", "~"),
        ("beneficiaries.Person", "~"),
        ("beneficiaries.Schooling", "+"),
        ("beneficiaries.Schooling", "-"),
    ]
    reasons = {row["history_change_reason"] for _, row in rows}
    assert "地址更正" in reasons


def test_admin_writes_record_user_and_reason(client, tree, admin_user):
    marks = _high_water_marks()
    client.force_login(admin_user)

    added = client.post(
        "/admin/casework/organisation/add/",
        {"code": "410182", "name": "荥阳市总工会", "level": "county", "parent": tree.city_a.pk},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    unit = Organisation.objects.get(code="410182")
    changed = client.post(
        f"/admin/casework/organisation/{unit.pk}/change/",
        {"code": "410182", "name": "荥阳市总工会（改）", "level": "county", "parent": tree.city_a.pk},
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]
    deleted = client.post(f"/admin/casework/organisation/{unit.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302

    rows = _rows_since(marks)
    _assert_signed(rows, admin_user)
    assert sorted(row["history_type"] for _, row in rows) == ["+", "-", "~"]
