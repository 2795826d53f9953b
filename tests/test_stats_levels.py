"""Returns between levels: submit (上报), return (退回), accept, deadlines per level, the board."""

import datetime
from datetime import date as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.choices import Role
from stats import selectors
from stats.models import ReturnSubmission
from stats.submissions import deadline_set, return_accept, return_send_back, return_submit
from tests.factories import PersonFactory, TrainingFactory

CUTOFF = D(2014, 11, 30)  # Attachment 1, annual: the notice's date is 12-10


def pdf(name="年度总结.pdf", content=b"%PDF-1.4 summary"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def officers(tree, make_user):
    return {
        unit: make_user(getattr(tree, unit), Role.STATISTICS_OFFICER)
        for unit in ("province", "city_a", "city_b", "county_a", "county_b")
    }


def submit(tree, officers, unit, **kwargs):
    return return_submit(
        organisation=getattr(tree, unit),
        attachment=1,
        year=2014,
        cutoff=CUTOFF,
        preparer="张三",
        phone="0371-12345678",
        summary=kwargs.pop("summary", pdf()),
        acting_user=kwargs.pop("acting_user", officers[unit]),
        reason="上报",
        **kwargs,
    )


def board(tree, officers, unit, today=D(2014, 11, 15)):
    return selectors.submission_board(
        officers[unit], org_code=getattr(tree, unit).code, attachment=1, year=2014, cutoff=CUTOFF, today=today
    )


def status_of(result, unit_code):
    return next(row["status"] for row in result["rows"] if row["org"] == unit_code)


def test_submit_return_resubmit_accept_keeps_every_version(tree, officers):
    first = submit(tree, officers, "county_a")
    assert (first.version, first.status, first.summary_name) == (1, "submitted", "年度总结.pdf")
    assert bytes(ReturnSubmission.objects.get(pk=first.pk).summary_content) == b"%PDF-1.4 summary"
    assert first.filing.organisation == tree.county_a and first.filing.cutoff == CUTOFF
    assert status_of(board(tree, officers, "city_a"), tree.county_a.code) == "submitted"

    with pytest.raises(ValidationError) as waiting:
        submit(tree, officers, "county_a")
    assert "status" in waiting.value.message_dict

    with pytest.raises(ValidationError) as no_comment:
        return_send_back(submission=first, comment="  ", acting_user=officers["city_a"], reason="退回")
    assert "comment" in no_comment.value.message_dict
    returned = return_send_back(
        submission=first, comment="a1.3 贷款数与台账不符", acting_user=officers["city_a"], reason="退回"
    )
    assert returned.status == "returned" and returned.decided_by == officers["city_a"]
    assert status_of(board(tree, officers, "city_a"), tree.county_a.code) == "returned"

    TrainingFactory(organisation=tree.county_a, started_on=D(2014, 5, 1), ended_on=D(2014, 5, 2))
    second = submit(tree, officers, "county_a")
    assert second.version == 2 and second.filing_id != first.filing_id
    assert second.filing.figures["cells"]["a1.1"]["value"] == first.filing.figures["cells"]["a1.1"]["value"] + 1
    accepted = return_accept(submission=second, acting_user=officers["city_a"], reason="接收")
    assert accepted.status == "accepted"
    result = board(tree, officers, "city_a")
    assert status_of(result, tree.county_a.code) == "accepted"
    assert result["rows"][0]["versions"] == 2

    versions = list(selectors.submission_versions(second))
    assert [(v.version, v.status, v.comment) for v in versions] == [
        (1, "returned", "a1.3 贷款数与台账不符"),
        (2, "accepted", ""),
    ]
    history = list(first.history.order_by("history_id").values_list("status", "history_change_reason"))
    assert history == [("submitted", "上报"), ("returned", "退回")]
    with pytest.raises(ValidationError):
        return_accept(submission=first, acting_user=officers["city_a"], reason="接收")  # returned already
    with pytest.raises(ValidationError):
        submit(tree, officers, "county_a")  # accepted: nothing more to submit


def test_own_submission_needs_a_note_naming_missing_subordinates(tree, officers):
    with pytest.raises(ValidationError) as refused:
        submit(tree, officers, "city_a")
    assert "巩义市总工会" in refused.value.message_dict["note"][0]
    assert not ReturnSubmission.objects.exists()
    with_note = submit(tree, officers, "city_a", note="巩义市尚未上报，已电话催报")
    assert with_note.missing == [{"org": tree.county_a.code, "name": "巩义市总工会"}]
    assert with_note.note == "巩义市尚未上报，已电话催报"

    # Once the county is accepted, the city submits without a note.
    return_send_back(submission=with_note, comment="请等巩义上报", acting_user=officers["province"], reason="退回")
    county = submit(tree, officers, "county_a")
    return_accept(submission=county, acting_user=officers["city_a"], reason="接收")
    again = submit(tree, officers, "city_a")
    assert again.version == 2 and again.missing == [] and again.note == ""


def test_summary_file_is_checked(tree, officers, settings):
    for summary, words in [
        (None, "请上传"),
        (pdf("总结.txt", b"%PDF"), "只能是"),
        (pdf("总结.docx", b"%PDF-1.4"), "不符"),
    ]:
        with pytest.raises(ValidationError) as refused:
            submit(tree, officers, "county_a", summary=summary)
        assert words in refused.value.message_dict["summary"][0]
    settings.STATS_SUMMARY_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as too_big:
        submit(tree, officers, "county_a", summary=pdf(content=b"%PDF" + b"0" * (1024 * 1024)))
    assert "1 MB" in too_big.value.message_dict["summary"][0]
    assert not ReturnSubmission.objects.exists()
    docx = submit(tree, officers, "county_a", summary=pdf("阶段性总结.docx", b"PK\x03\x04rest"))
    assert docx.summary_type.endswith("wordprocessingml.document")


def test_roles_and_scope_are_refused(tree, officers, make_user):
    caseworker = make_user(tree.county_a, Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        submit(tree, officers, "county_a", acting_user=caseworker)
    with pytest.raises(PermissionDenied):  # the city does not submit for its county
        submit(tree, officers, "county_a", acting_user=officers["city_a"])
    submission = submit(tree, officers, "county_a")
    for user in (
        officers["county_a"],  # not its own submission to decide
        officers["province"],  # not the unit directly above
        officers["city_b"],  # another city
        make_user(tree.city_a, Role.CASEWORKER),  # the right unit, the wrong role
    ):
        with pytest.raises(PermissionDenied):
            return_accept(submission=submission, acting_user=user, reason="接收")
        with pytest.raises(PermissionDenied):
            return_send_back(submission=submission, comment="退回", acting_user=user, reason="退回")
    admin = make_user(tree.city_a, Role.ADMINISTRATOR)
    assert return_accept(submission=submission, acting_user=admin, reason="接收").status == "accepted"
    with pytest.raises(ValidationError) as national:
        submit(tree, {"national": make_user(tree.national, Role.STATISTICS_OFFICER)}, "national")
    assert "org" in national.value.message_dict


def test_deadlines_default_five_days_earlier_per_level_and_set(tree, officers):
    stage = D(2014, 8, 31)  # Attachment 1, stage return: the notice's date is 09-20

    def deadlines(unit, cutoff=stage):
        return selectors.submission_deadlines(getattr(tree, unit), attachment=1, year=2014, cutoff=cutoff)

    def set_due(unit, due, acting_unit=None):
        return deadline_set(
            organisation=getattr(tree, unit),
            attachment=1,
            year=2014,
            cutoff=stage,
            due=due,
            acting_user=officers[acting_unit or unit],
            reason="通知",
        )

    # (own deadline, subordinates' deadline): the provinces meet the notice's date, each level five days earlier.
    assert deadlines("province") == (D(2014, 9, 20), D(2014, 9, 15))
    assert deadlines("city_a") == (D(2014, 9, 15), D(2014, 9, 10))
    assert deadlines("county_a") == (D(2014, 9, 10), D(2014, 9, 5))
    # The annual return (12-10): five days earlier than the city's 11-30 would fall before the cut-off.
    assert deadlines("city_a", CUTOFF) == (D(2014, 12, 5), D(2014, 11, 30))
    assert deadlines("county_a", CUTOFF) == (D(2014, 11, 30), D(2014, 11, 30))

    set_due("province", D(2014, 9, 13))
    assert deadlines("city_a") == (D(2014, 9, 13), D(2014, 9, 8))
    assert deadlines("county_b") == (D(2014, 9, 8), D(2014, 9, 3))
    updated = set_due("city_a", D(2014, 9, 10))
    assert deadlines("county_a")[0] == D(2014, 9, 10)
    set_due("city_a", D(2014, 9, 11))
    assert updated.history.count() == 2
    assert deadlines("county_a") == (D(2014, 9, 11), D(2014, 9, 6))
    assert deadlines("county_b")[0] == D(2014, 9, 8)  # the other city keeps the default
    assert deadlines("city_a", CUTOFF)[0] == D(2014, 12, 5)  # another return keeps its own

    for due, words in [(D(2014, 9, 14), "不能晚于"), (D(2014, 8, 1), "不能早于")]:
        with pytest.raises(ValidationError) as refused:
            set_due("city_a", due)
        assert words in refused.value.message_dict["due"][0]
    with pytest.raises(PermissionDenied):  # a unit sets only its own subordinates' deadline
        set_due("county_a", D(2014, 9, 5), acting_unit="city_a")


def test_board_statuses_and_late(tree, officers, make_user, django_assert_max_num_queries):
    county_c = type(tree.county_a).objects.create(
        code="410182",
        name="荥阳市总工会",
        level=tree.county_a.level,
        parent=tree.city_a,
        path=f"{tree.city_a.path}410182/",
    )
    submit(tree, officers, "county_a")
    with django_assert_max_num_queries(5):
        early = board(tree, officers, "city_a", today=D(2014, 11, 30))
    assert early["subordinates_due"] == "2014-11-30"
    assert {row["org"]: row["status"] for row in early["rows"]} == {"410181": "submitted", "410182": "not_started"}
    late = board(tree, officers, "city_a", today=D(2014, 12, 1))
    assert {row["org"]: row["status"] for row in late["rows"]} == {"410181": "submitted", "410182": "late"}
    assert late["counts"]["late"] == 1 and late["own"]["status"] == "not_started"
    # A caseworker of the city sees the board too (read only: the services refuse their actions).
    viewer = make_user(tree.city_a, Role.CASEWORKER)
    seen = selectors.submission_board(viewer, org_code=tree.city_a.code, attachment=1, year=2014, cutoff=CUTOFF)
    assert len(seen["rows"]) == 2 and county_c.code in {row["org"] for row in seen["rows"]}
    with pytest.raises(PermissionDenied):  # another city's board is outside the county's subtree
        selectors.submission_board(
            officers["county_a"], org_code=tree.city_b.code, attachment=1, year=2014, cutoff=CUTOFF
        )


def test_province_return_counts_a_person_served_by_two_counties_once(tree, officers):
    """The figures come from the records of the whole subtree, never from the counties' sums."""
    person = PersonFactory(organisation=tree.county_a)
    for unit in (tree.county_a, tree.county_b):
        TrainingFactory(
            person=person, organisation=unit, type="skills", started_on=D(2014, 4, 1), ended_on=D(2014, 4, 20)
        )
    counties = {}
    for county, city in (("county_a", "city_a"), ("county_b", "city_b")):
        counties[county] = submit(tree, officers, county)
        return_accept(submission=counties[county], acting_user=officers[city], reason="接收")
    for city in ("city_a", "city_b"):
        submission = submit(tree, officers, city)
        return_accept(submission=submission, acting_user=officers["province"], reason="接收")
    province = submit(tree, officers, "province")
    value = province.filing.figures["cells"]["a1.1"]["value"]
    assert [counties[c].filing.figures["cells"]["a1.1"]["value"] for c in counties] == [1, 1]
    assert value == 1 and province.missing == []
    assert province.submitted_at >= datetime.datetime(2014, 1, 1, tzinfo=datetime.UTC)
