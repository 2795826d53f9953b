"""Roles and separation of duties in the household file workflow, on every route (services, API, pages):
review, return for correction (退回), public notice (公示, tied to a real notice), filing (建档, only after
the notice ended with no upheld objection), closing (脱困退出, coded reason, note, confirmation) and its undoing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from beneficiaries import services
from beneficiaries.models import AnnualReview, Household
from casework.choices import Role
from notices.choices import NoticeStatus
from notices.services import objection_decide
from tests.factories import NoticeEntryFactory, NoticeFactory, ObjectionFactory, PersonFactory

D = datetime.date
APPLIED, REVIEWED, STARTS, ENDS = D(2014, 3, 1), D(2014, 3, 10), D(2014, 3, 12), D(2014, 3, 18)
CLOSING = {"closing_code": "out_of_hardship", "closing_reason": "子女已就业，家庭收入超过标准", "confirm": True}


@pytest.fixture
def users(tree, make_user):
    return {
        "caseworker": make_user(tree.county_a, Role.CASEWORKER, username="caseworker"),
        "reviewer": make_user(tree.county_a, Role.REVIEWER, username="reviewer"),
        "other_reviewer": make_user(tree.city_a, Role.REVIEWER, username="other_reviewer"),
        "admin": make_user(tree.county_a, Role.ADMINISTRATOR, username="admin"),
        "statistics": make_user(tree.county_a, Role.STATISTICS_OFFICER, username="statistics"),
    }


def application(tree, applicant, file_no="410181-2014-001"):
    household = services.household_apply(
        file_no=file_no, organisation=tree.county_a, kind="worker", applied_on=APPLIED, acting_user=applicant
    )
    PersonFactory(household=household, relationship="head", name="李建国")
    return household


def notice_for(household, *, starts_on=STARTS, ends_on=ENDS, **kwargs):
    notice = NoticeFactory(organisation=household.organisation, starts_on=starts_on, ends_on=ends_on, **kwargs)
    for member in household.members.all():
        NoticeEntryFactory(notice=notice, person=member)
    return notice


def noticed(household, reviewer, **kwargs):
    household = services.household_review(household, acting_user=reviewer, day=REVIEWED)
    notice = notice_for(household, **kwargs)
    return services.household_notice(household, notice=notice.ref, acting_user=reviewer), notice


def filed(household, reviewer):
    household, _notice = noticed(household, reviewer)
    return services.household_file(household, acting_user=reviewer, day=D(2014, 3, 20))


def refused(call, field=None):
    """The ``ValidationError`` message on ``field``, or the ``PermissionDenied`` message when ``field`` is None."""
    expected = PermissionDenied if field is None else ValidationError
    with pytest.raises(expected) as caught:
        call()
    if field is None:
        return str(caught.value)
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict[field][0]


# --- services ---------------------------------------------------------------------------------------------


def test_the_application_records_who_applied(tree, users):
    household = application(tree, users["caseworker"])
    assert household.applied_by == users["caseworker"]
    assert household.history.get().applied_by_id == users["caseworker"].pk


@pytest.mark.parametrize("role", ["caseworker", "statistics"])
def test_only_reviewers_take_the_reviewer_steps(tree, users, role):
    user = users[role]
    household = application(tree, users["admin"])
    steps = [
        lambda: services.household_review(household, acting_user=user, day=REVIEWED),
        lambda: services.household_return(household, return_reason="缺材料", acting_user=user),
        lambda: services.household_notice(household, notice="X", acting_user=user),
        lambda: services.household_file(household, acting_user=user),
    ]
    on_file = filed(application(tree, users["caseworker"], file_no="F"), users["reviewer"])
    steps += [
        lambda: services.household_close(on_file, acting_user=user, reason="脱困", **CLOSING),
        lambda: services.annual_review_record(
            on_file, outcome="closed", note="脱困", closing_code="deceased", confirm=True, acting_user=user
        ),
    ]
    before = Household.history.count(), AnnualReview.objects.count()
    for step in steps:
        assert "只有审核人员" in refused(step)
    assert (Household.history.count(), AnnualReview.objects.count()) == before


def test_administrators_are_reviewers_too(tree, users):
    household = filed(application(tree, users["caseworker"]), users["admin"])
    assert (household.status, household.reviewed_by, household.filed_by) == ("on_file", users["admin"], users["admin"])


def test_nobody_reviews_a_file_they_applied_for(tree, users):
    reviewer = users["reviewer"]
    household = application(tree, reviewer)
    notice = notice_for(household)
    for step in (
        lambda: services.household_review(household, acting_user=reviewer, day=REVIEWED),
        lambda: services.household_return(household, return_reason="缺材料", acting_user=reviewer),
        lambda: services.household_notice(household, notice=notice.ref, acting_user=reviewer),
        lambda: services.household_file(household, acting_user=reviewer),
    ):
        assert "本人经办申请" in refused(step)
    assert household.history.count() == 1
    # Another reviewer may.
    household, _notice = noticed(household, users["other_reviewer"])
    assert household.reviewed_by == users["other_reviewer"]


def test_return_for_correction_needs_a_reason_and_sends_the_file_back(tree, users):
    reviewer = users["reviewer"]
    household, _notice = noticed(application(tree, users["caseworker"]), reviewer)
    assert "退回原因" in refused(
        lambda: services.household_return(household, return_reason="  ", acting_user=reviewer), "return_reason"
    )

    household = services.household_return(
        household, return_reason="缺少收入证明", acting_user=reviewer, reason="退回", day=D(2014, 3, 13)
    )
    assert household.status == "returned"
    assert (household.returned_on, household.returned_by, household.return_reason) == (
        D(2014, 3, 13),
        reviewer,
        "缺少收入证明",
    )
    # Back at the application step: reviewed and noticed again once corrected.
    assert (household.reviewed_on, household.noticed_on, household.notice_ref) == (None, None, "")
    row = household.history.order_by("-history_id").first()
    assert (row.return_reason, row.history_user_name, row.history_change_reason) == ("缺少收入证明", "reviewer", "退回")

    household = services.household_review(household, acting_user=reviewer, day=D(2014, 3, 20))
    assert household.status == "reviewed" and household.return_reason == "缺少收入证明"  # the return stays shown

    on_file = filed(application(tree, users["caseworker"], file_no="F"), reviewer)
    assert "不能退回" in refused(
        lambda: services.household_return(on_file, return_reason="x", acting_user=reviewer), "returned_on"
    )


def test_the_notice_step_names_a_real_published_notice_listing_the_household(tree, users):
    reviewer = users["reviewer"]
    household = services.household_review(application(tree, users["caseworker"]), acting_user=reviewer, day=REVIEWED)
    other = application(tree, users["caseworker"], file_no="OTHER")
    draft = notice_for(household, status=NoticeStatus.DRAFT)
    elsewhere = notice_for(other)
    outside = NoticeFactory(organisation=tree.county_b, starts_on=STARTS, ends_on=ENDS)
    NoticeEntryFactory(notice=outside, person=household.members.get())
    too_early = notice_for(household, starts_on=D(2014, 3, 5), ends_on=D(2014, 3, 11))
    for ref, message in (
        ("", "请选择"),
        ("NO-SUCH", "没有编号为 NO-SUCH 的公示"),
        (outside.ref, f"没有编号为 {outside.ref} 的公示"),  # outside the subtree: as if unknown
        (draft.ref, "尚未发布或已撤回"),
        (elsewhere.ref, "名单中没有本户成员"),
        (too_early.ref, "不能早于审核日期"),
    ):
        assert message in refused(
            lambda ref=ref: services.household_notice(household, notice=ref, acting_user=reviewer), "notice"
        )
    assert household.history.count() == 2

    notice = notice_for(household)
    household = services.household_notice(household, notice=notice.ref, acting_user=reviewer)
    assert (household.noticed_on, household.notice_ref) == (STARTS, notice.ref)


def test_filing_waits_for_the_end_of_the_notice(tree, users):
    reviewer = users["reviewer"]
    household, notice = noticed(application(tree, users["caseworker"]), reviewer)
    for day in (STARTS, ENDS):
        message = refused(lambda day=day: services.household_file(household, acting_user=reviewer, day=day), "filed_on")
        assert f"公示 2014-{notice.pk:04d} 至 2014-03-18 结束" in message and notice.ref not in message
    household = services.household_file(household, acting_user=reviewer, day=D(2014, 3, 19))
    assert household.filed_on == D(2014, 3, 19)


def test_an_upheld_or_undecided_objection_blocks_filing(tree, users):
    reviewer = users["reviewer"]
    household, notice = noticed(application(tree, users["caseworker"]), reviewer)
    head = household.members.get()
    objection = ObjectionFactory(notice=notice, person=head, raised_on=D(2014, 3, 14), upheld=None)
    file_it = lambda: services.household_file(household, acting_user=reviewer, day=D(2014, 3, 20))  # noqa: E731
    assert "尚未处理" in refused(file_it, "filed_on")
    objection_decide(objection, upheld=True, acting_user=reviewer, day=D(2014, 3, 15))
    assert "李建国的异议经核实成立" in refused(file_it, "filed_on")
    assert Household.objects.get(pk=household.pk).filed_on is None

    # A dismissed objection does not.
    other, other_notice = noticed(application(tree, users["caseworker"], file_no="F2"), reviewer)
    ObjectionFactory(notice=other_notice, person=other.members.get(), raised_on=D(2014, 3, 14), upheld=False)
    assert services.household_file(other, acting_user=reviewer, day=D(2014, 3, 20)).status == "on_file"


def test_a_withdrawn_notice_no_longer_lets_the_file_go_on_file(tree, users):
    reviewer = users["reviewer"]
    household, notice = noticed(application(tree, users["caseworker"]), reviewer)
    notice.status = NoticeStatus.WITHDRAWN
    notice.save()
    assert "已撤回" in refused(
        lambda: services.household_file(household, acting_user=reviewer, day=D(2014, 3, 20)), "filed_on"
    )


def test_closing_needs_a_code_a_note_and_confirmation_and_can_be_undone(tree, users):
    reviewer = users["reviewer"]
    household = filed(application(tree, users["caseworker"]), reviewer)
    close = lambda **changes: services.household_close(  # noqa: E731
        household, acting_user=reviewer, reason="脱困", day=D(2015, 1, 5), **{**CLOSING, **changes}
    )
    assert "类别" in refused(lambda: close(closing_code=""), "closing_code")
    assert "类别" in refused(lambda: close(closing_code="rich"), "closing_code")
    assert "说明" in refused(lambda: close(closing_reason=" "), "closing_reason")
    assert "确认" in refused(lambda: close(confirm=False), "confirm")
    assert household.history.count() == 4

    household = close()
    assert (household.status, household.closing_code, household.closed_by) == ("closed", "out_of_hardship", reviewer)

    assert "原因" in refused(lambda: services.household_reopen(household, acting_user=reviewer, reason=" "), "reason")
    assert "只有审核人员" in refused(
        lambda: services.household_reopen(household, acting_user=users["caseworker"], reason="误办")
    )
    household = services.household_reopen(household, acting_user=users["admin"], reason="误办退出，家庭仍困难")
    assert household.status == "on_file"
    assert (household.closed_on, household.closing_code, household.closing_reason) == (None, "", "")
    rows = list(household.history.order_by("-history_id")[:2])
    assert (rows[0].history_change_reason, rows[0].history_user_name, rows[0].closed_on) == (
        "误办退出，家庭仍困难",
        "admin",
        None,
    )
    assert (rows[1].closing_code, rows[1].closed_on) == ("out_of_hardship", D(2015, 1, 5))
    assert "未退出" in refused(
        lambda: services.household_reopen(household, acting_user=reviewer, reason="再撤销"), "closed_on"
    )


def test_closing_at_annual_review_needs_the_same(tree, users):
    reviewer = users["reviewer"]
    household = filed(application(tree, users["caseworker"]), reviewer)
    review = lambda **changes: services.annual_review_record(  # noqa: E731
        household,
        acting_user=reviewer,
        day=D(2014, 12, 1),
        **{"outcome": "closed", "note": "脱困", "closing_code": "moved_away", "confirm": True, **changes},
    )
    assert "说明" in refused(lambda: review(note=""), "note")
    assert "类别" in refused(lambda: review(closing_code=""), "closing_code")
    assert "确认" in refused(lambda: review(confirm=False), "confirm")
    assert not AnnualReview.objects.exists()
    review()
    household.refresh_from_db()
    assert (household.closed_on, household.closing_code, household.closing_reason) == (
        D(2014, 12, 1),
        "moved_away",
        "脱困",
    )


def test_no_edit_sets_the_workflow_fields(tree, users):
    household = application(tree, users["caseworker"])
    for data in ({"filed_on": D(2014, 3, 20)}, {"reviewed_on": D(2014, 3, 5)}, {"closed_on": D(2014, 4, 1)}):
        field = next(iter(data))
        assert "只能通过流程办理" in refused(
            lambda data=data: services.household_update(household, acting_user=users["admin"], reason="x", data=data),
            field,
        )
    assert "只能通过流程办理" in refused(
        lambda: services.household_apply(
            file_no="X",
            organisation=tree.county_a,
            kind="worker",
            applied_on=APPLIED,
            filed_on=APPLIED,
            acting_user=users["caseworker"],
        ),
        "filed_on",
    )


# --- API --------------------------------------------------------------------------------------------------


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_steps_refuse_alike(tree, users):
    household = application(tree, users["caseworker"])
    url = f"/api/v1/households/{household.pk}"
    for role in ("caseworker", "statistics"):
        response = api_as(users[role]).post(f"{url}/review/", {"day": "2014-03-10"}, format="json")
        assert response.status_code == 403
        assert "只有审核人员" in response.json()["detail"]
    applicant_reviewer = services.household_apply(
        file_no="OWN", organisation=tree.county_a, kind="worker", applied_on=APPLIED, acting_user=users["reviewer"]
    )
    response = api_as(users["reviewer"]).post(f"/api/v1/households/{applicant_reviewer.pk}/review/", {}, format="json")
    assert response.status_code == 403 and "本人经办申请" in response.json()["detail"]

    reviewer = api_as(users["reviewer"])
    response = reviewer.post(f"{url}/return/", {"return_reason": ""}, format="json")
    assert response.status_code == 400 and response.json() == {"return_reason": ["请填写退回原因。"]}
    response = reviewer.post(f"{url}/return/", {"return_reason": "缺少收入证明", "day": "2014-03-05"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["return_reason"]) == ("returned", "缺少收入证明")

    assert reviewer.post(f"{url}/review/", {"day": "2014-03-10"}, format="json").status_code == 200
    notice = notice_for(household)
    response = reviewer.post(f"{url}/notice/", {"day": "2014-03-01"}, format="json")  # a typed date is not a notice
    assert response.status_code == 400 and response.json() == {"notice": ["请选择列有本户成员的公示。"]}
    response = reviewer.post(f"{url}/notice/", {"notice": notice.ref}, format="json")
    assert (response.json()["noticed_on"], response.json()["notice_ref"]) == ("2014-03-12", notice.ref)
    response = reviewer.post(f"{url}/file/", {"day": "2014-03-18"}, format="json")
    assert response.status_code == 400 and "公示期结束之后" in response.json()["filed_on"][0]
    assert reviewer.post(f"{url}/file/", {"day": "2014-03-19"}, format="json").json()["status"] == "on_file"

    # Workflow fields are read only in an edit.
    reviewer.patch(f"{url}/", {"filed_on": "2014-01-01", "closing_code": "deceased"}, format="json")
    household.refresh_from_db()
    assert (household.filed_on, household.closing_code) == (D(2014, 3, 19), "")

    closing = {"closing_code": "deceased", "closing_reason": "户主病故", "day": "2015-01-05"}
    response = reviewer.post(f"{url}/close/", closing, format="json")
    assert response.status_code == 400 and response.json() == {"confirm": ["请确认办理脱困退出：退出后该户不再在档。"]}
    response = reviewer.post(f"{url}/close/", {**closing, "closing_code": "", "confirm": True}, format="json")
    assert response.json() == {"closing_code": ["请选择退出原因类别。"]}
    response = reviewer.post(f"{url}/close/", {**closing, "confirm": True}, format="json")
    assert (response.json()["status"], response.json()["closing_code"]) == ("closed", "deceased")

    assert api_as(users["caseworker"]).post(f"{url}/reopen/", {"reason": "误办"}, format="json").status_code == 403
    response = reviewer.post(f"{url}/reopen/", {}, format="json")
    assert response.status_code == 400 and response.json() == {"reason": ["请填写撤销退出的原因。"]}
    response = reviewer.post(f"{url}/reopen/", {"reason": "误办退出"}, format="json")
    assert response.json()["status"] == "on_file"
    assert household.history.order_by("-history_id").first().history_change_reason == "误办退出"


def test_api_annual_review_closing_needs_code_note_and_confirmation(tree, users):
    household = filed(application(tree, users["caseworker"]), users["reviewer"])
    body = {"household": household.pk, "outcome": "closed", "reviewed_on": "2014-12-01"}
    reviewer = api_as(users["reviewer"])
    response = reviewer.post("/api/v1/annual-reviews/", {**body, "note": ""}, format="json")
    assert response.status_code == 400 and response.json() == {
        "note": ["脱困退出须填写说明。"],
        "closing_code": ["请选择退出原因类别。"],
        "confirm": ["请确认办理脱困退出：退出后该户不再在档。"],
    }
    response = reviewer.post("/api/v1/annual-reviews/", {**body, "note": "脱困", "confirm": True}, format="json")
    assert response.json() == {"closing_code": ["请选择退出原因类别。"]}
    full = {**body, "note": "脱困", "closing_code": "out_of_hardship", "confirm": True}
    response = api_as(users["caseworker"]).post("/api/v1/annual-reviews/", full, format="json")
    assert response.status_code == 403
    assert not AnnualReview.objects.exists()
    response = reviewer.post("/api/v1/annual-reviews/", full, format="json")
    assert response.status_code == 201, response.json()
    household.refresh_from_db()
    assert (household.closing_code, household.closing_reason) == ("out_of_hardship", "脱困")


# --- web pages --------------------------------------------------------------------------------------------


def page_of(client, household):
    return client.get(reverse("household-detail", args=[household.pk])).content.decode()


def step(client, household, name, **data):
    return client.post(reverse("household-step", args=[household.pk, name]), data, follow=True).content.decode()


def test_the_page_shows_workflow_buttons_only_to_who_may_use_them(tree, users, client):
    household = application(tree, users["reviewer"])
    for role in ("caseworker", "statistics", "reviewer"):  # the reviewer applied for this one
        client.force_login(users[role])
        html = page_of(client, household)
        assert 'class="workflow"' not in html and "审核通过" not in html, role
        assert "只有审核人员" in step(client, household, "review") or role == "reviewer"
    assert "本人经办申请" in step(client, household, "review")
    assert household.history.count() == 1
    client.force_login(users["other_reviewer"])
    html = page_of(client, household)
    assert 'class="workflow"' in html and "审核通过" in html and "退回修改" in html


def test_the_page_returns_notices_files_closes_and_reopens(tree, users, client):
    household = application(tree, users["caseworker"])
    client.force_login(users["reviewer"])
    assert "请填写退回原因。" in step(client, household, "return")
    html = step(client, household, "return", return_reason="缺少收入证明", day="2014-03-05")
    assert "已退回修改" in html and "缺少收入证明" in html and "由 reviewer 退回" in html

    step(client, household, "review", day="2014-03-10")
    notice = notice_for(household)
    html = page_of(client, household)
    assert f'<option value="{notice.ref}"' in html  # the notices listing the household are offered
    step(client, household, "notice", notice=notice.ref)
    assert "公示期结束之后" in step(client, household, "file", day="2014-03-15")
    step(client, household, "file", day="2014-03-20")
    household.refresh_from_db()
    assert (household.noticed_on, household.filed_on) == (STARTS, D(2014, 3, 20))

    closing = {"closing_code": "deceased", "closing_reason": "户主病故", "day": "2015-01-05"}
    assert "请确认办理脱困退出" in step(client, household, "close", **closing)
    html = step(client, household, "close", confirm="on", **closing)
    assert "已退出" in html and "死亡：户主病故" in html and "撤销退出" in html
    assert "请填写撤销退出的原因。" in step(client, household, "reopen")
    html = step(client, household, "reopen", reason="误办退出")
    household.refresh_from_db()
    assert household.closed_on is None and "在档" in html
    assert household.history.order_by("-history_id").first().history_change_reason == "误办退出"
