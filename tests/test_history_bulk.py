"""The bulk history helpers: every row they write carries the acting user, a copy of the user's
name and the reason, and they leave the older history rows of the same objects as they were."""

from casework.choices import Role
from casework.history import bulk_create_historised, bulk_update_historised
from employment.models import Institution


def _rows(institutions):
    return list(
        Institution.history.filter(id__in=[i.pk for i in institutions])
        .order_by("id", "history_id")
        .values_list("code", "history_type", "history_user_id", "history_user_name", "history_change_reason")
    )


def test_a_bulk_create_names_the_user_on_each_new_row(tree, make_user, django_assert_num_queries):
    officer = make_user(tree.county_a, Role.ADMINISTRATOR, username="gongyi_admin")
    institutions = [Institution(code=code, name=f"机构{code}", organisation=tree.county_a) for code in ("T1", "T2")]
    # One INSERT for the institutions, one for their history rows: the name is written with them.
    with django_assert_num_queries(2):
        created = bulk_create_historised(Institution, institutions, user=officer, reason="批量登记")
    assert _rows(created) == [
        ("T1", "+", officer.pk, "gongyi_admin", "批量登记"),
        ("T2", "+", officer.pk, "gongyi_admin", "批量登记"),
    ]


def test_a_bulk_update_names_only_the_rows_it_writes(tree, make_user, django_assert_num_queries):
    officer = make_user(tree.county_a, Role.ADMINISTRATOR, username="gongyi_admin")
    # Written the way a management command without an account writes: no user, so no name.
    institutions = bulk_create_historised(
        Institution,
        [Institution(code=code, name=f"机构{code}", organisation=tree.county_a) for code in ("T1", "T2")],
        user=None,
        reason="系统导入",
    )
    for institution in institutions:
        institution.name += "（更名）"
    with django_assert_num_queries(2):
        bulk_update_historised(Institution, institutions, ["name"], user=officer, reason="机构更名")
    assert _rows(institutions) == [
        ("T1", "+", None, "", "系统导入"),
        ("T1", "~", officer.pk, "gongyi_admin", "机构更名"),
        ("T2", "+", None, "", "系统导入"),
        ("T2", "~", officer.pk, "gongyi_admin", "机构更名"),
    ]
    # An older row written one by one without a user keeps its empty name through another bulk write.
    lone = institutions[0]
    lone.migrant_demo_base = True
    lone.save()
    bulk_update_historised(Institution, [lone], ["name"], user=officer, reason="再次核对")
    assert _rows([lone])[-2:] == [
        ("T1", "~", None, "", None),
        ("T1", "~", officer.pk, "gongyi_admin", "再次核对"),
    ]
