"""The notices REST API (/api/v1/notices/) and the web pages under /notices/."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from aid.selectors import standard_for
from casework.choices import Role
from notices.choices import NoticeStatus
from notices.models import Notice, Objection
from tests import test_notices_services as shared
from tests.test_notices_services import build, days_ago, publish

FULL_ID = re.compile(r"\d{17}[\dXx]")

# Fixtures shared with the services tests.
reviewer = shared.reviewer
families = shared.families


@pytest.fixture
def api(reviewer):
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


@pytest.fixture
def people(tree, families):
    return (
        families.new_family_member(tree.city_a, "王小明", "HA-1"),
        families.on_file_student(tree.city_a, "李华", "HA-2"),
    )


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# ---- API --------------------------------------------------------------------------------------


def test_api_build_publish_and_read(api, tree, people):
    a, b = people
    response = api.get("/api/v1/notices/candidates/", {"org": "410100"})
    assert response.status_code == 200
    assert {row["id"]: (row["new_household"], row["first_aid"]) for row in response.json()["results"]} == {
        a.pk: (True, False),
        b.pk: (False, True),
    }

    response = api.post(
        "/api/v1/notices/",
        {
            "organisation": "410100",
            "title": "公示",
            "posted_at": "职工所在单位",
            "contact": "张老师",
            "starts_on": str(days_ago(30)),
            "period_days": 5,
            "entries_input": [{"person": a.pk, "amount": "1200.00"}, {"person": b.pk, "amount": "800.00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["ends_on"]) == ("draft", str(days_ago(26)))
    assert [(e["person"], e["amount"], e["struck_off"]) for e in body["entries"]] == [
        (a.pk, "1200.00", False),
        (b.pk, "800.00", False),
    ]
    assert not FULL_ID.search(response.content.decode())

    pk = body["id"]
    response = api.post(f"/api/v1/notices/{pk}/publish/", {"day": str(days_ago(30))}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["period_state"]) == ("published", "ended")

    listing = api.get("/api/v1/notices/", {"period": "ended"}).json()
    assert [n["id"] for n in listing["results"]] == [pk]
    assert api.get("/api/v1/notices/", {"period": "running"}).json()["count"] == 0


def test_api_refuses_unqualified_persons_with_paths(api, tree, families):
    outsider = families.person(tree.city_a, "周杰")
    response = api.post(
        "/api/v1/notices/",
        {
            "organisation": "410100",
            "posted_at": "社区",
            "starts_on": str(days_ago(1)),
            "entries_input": [{"person": outsider.pk, "amount": "100"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "entries[0].person" in response.json()


def test_api_published_notice_is_immutable_then_withdrawn_and_replaced(api, tree, reviewer, people):
    a, b = people
    notice = publish(build(tree.city_a, reviewer, [(a, "100"), (b, "200")]), reviewer)
    url = f"/api/v1/notices/{notice.pk}/"

    assert api.patch(url, {"posted_at": "别处"}, format="json").status_code == 400
    assert api.delete(url).status_code == 400
    assert api.post(f"{url}withdraw/", {}, format="json").status_code == 400  # a reason is required

    response = api.post(
        f"{url}replace/",
        {
            "withdrawn_reason": "金额有误",
            "starts_on": str(days_ago(3)),
            "entries_input": [{"person": a.pk, "amount": "150"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    new = response.json()
    assert (new["replaces"], new["status"], [e["amount"] for e in new["entries"]]) == (notice.pk, "draft", ["150.00"])
    old = api.get(url).json()
    assert (old["status"], old["withdrawn_reason"], old["replaced_by"]) == ("withdrawn", "金额有误", new["id"])
    # The draft may be edited before it is published.
    response = api.patch(f"/api/v1/notices/{new['id']}/", {"contact": "李老师"}, format="json")
    assert response.status_code == 200 and response.json()["contact"] == "李老师"


def test_api_objections_recorded_and_decided(api, tree, reviewer, people, make_user):
    a, b = people
    notice = publish(build(tree.city_a, reviewer, [(a, "100"), (b, "200")]), reviewer)
    caseworker = as_user(make_user(tree.city_a, Role.CASEWORKER))

    response = caseworker.post(
        f"/api/v1/notices/{notice.pk}/objections/",
        {"person": a.pk, "raised_on": str(notice.starts_on), "content": "家庭有稳定收入"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    objection_id = response.json()["id"]
    decide = f"/api/v1/notices/{notice.pk}/objections/{objection_id}/decide/"
    assert caseworker.post(decide, {"upheld": True}, format="json").status_code == 403

    response = api.post(decide, {"upheld": True}, format="json")
    assert response.status_code == 200
    assert (response.json()["upheld"], response.json()["decided_by"]) == (True, reviewer.username)
    body = api.get(f"/api/v1/notices/{notice.pk}/").json()
    assert {e["person"]: e["struck_off"] for e in body["entries"]} == {a.pk: True, b.pk: False}
    assert [o["upheld"] for o in api.get(f"/api/v1/notices/{notice.pk}/objections/").json()] == [True]


def test_api_pdf_and_roles_and_scope(api, tree, reviewer, people, make_user):
    a, _b = people
    notice = build(tree.city_a, reviewer, [(a, "100")])
    response = api.get(f"/api/v1/notices/{notice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert a.id_number_masked in text and not FULL_ID.search(text)

    caseworker = as_user(make_user(tree.city_a, Role.CASEWORKER))
    assert caseworker.get(f"/api/v1/notices/{notice.pk}/").status_code == 200
    assert caseworker.post(f"/api/v1/notices/{notice.pk}/publish/", {}, format="json").status_code == 403
    other_city = as_user(make_user(tree.city_b, Role.REVIEWER))
    assert other_city.get(f"/api/v1/notices/{notice.pk}/").status_code == 404
    assert other_city.get("/api/v1/notices/candidates/", {"org": "410100"}).status_code == 404
    assert Notice.objects.get().status == NoticeStatus.DRAFT


# ---- web pages --------------------------------------------------------------------------------


@pytest.fixture
def browser(client, reviewer):
    client.force_login(reviewer)
    return client


def test_web_build_publish_print_and_pdf(browser, tree, people):
    a, b = people
    page = browser.get(reverse("notices:build"))
    assert page.status_code == 200
    html = page.content.decode()
    # A 金秋助学 notice offers the school children, with stage, school and the standard of their stage.
    standard = standard_for("junior_secondary")
    assert "李华" in html and "王小明" not in html and "初中" in html and "第一中学" in html
    assert f'name="amount_{b.pk}"' in html and f'value="{standard}"' in html
    # A 困难职工帮扶 notice offers the members of the new file.
    html = browser.get(reverse("notices:build"), {"kind": "hardship"}).content.decode()
    assert "王小明" in html and "李华" not in html

    response = browser.post(
        reverse("notices:build") + "?kind=hardship",
        {
            "org": "410100",
            "kind": "hardship",
            "title": "金秋助学公示",
            "posted_at": "职工所在单位",
            "contact": "张老师",
            "starts_on": str(days_ago(30)),
            "period_days": "7",
            "mask_names": "on",
            f"amount_{a.pk}": "1000",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:detail", args=[notice.pk])
    assert list(notice.entries.values_list("person_id", flat=True)) == [a.pk]

    detail = browser.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert reverse("notices:publish", args=[notice.pk]) in detail
    # The web publishes today; this draft's period started before, so it must be refused with a message.
    browser.post(reverse("notices:publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT

    print_view = browser.get(reverse("notices:print", args=[notice.pk])).content.decode()
    assert "王*明" in print_view and a.id_number_masked in print_view and "王小明" not in print_view
    assert not FULL_ID.search(print_view)

    pdf = browser.get(reverse("notices:pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "王*明" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_web_publish_withdraw_replace_and_objections(browser, tree, reviewer, people):
    a, b = people
    notice = build(tree.city_a, reviewer, [(a, "100"), (b, "200")], starts_on=days_ago(0))
    browser.post(reverse("notices:publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert (notice.status, notice.published_on) == (NoticeStatus.PUBLISHED, days_ago(0))

    browser.post(
        reverse("notices:objection-record", args=[notice.pk]),
        {"person": str(b.pk), "raised_on": str(days_ago(0)), "content": "收入不实"},
    )
    objection = Objection.objects.get()
    browser.post(reverse("notices:objection-decide", args=[notice.pk, objection.pk]), {"upheld": "1"})
    objection.refresh_from_db()
    assert objection.upheld is True
    detail = browser.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "异议成立，已除名" in detail

    browser.post(reverse("notices:withdraw", args=[notice.pk]), {"withdrawn_reason": "名单需更正"})
    notice.refresh_from_db()
    assert (notice.status, notice.withdrawn_reason) == (NoticeStatus.WITHDRAWN, "名单需更正")

    response = browser.post(
        reverse("notices:replace", args=[notice.pk]), {"starts_on": str(days_ago(0)), "period_days": "7"}
    )
    new = Notice.objects.get(replaces=notice)
    assert response["Location"] == reverse("notices:detail", args=[new.pk])
    assert list(new.entries.values_list("person_id", flat=True)) == [a.pk]
    detail = browser.get(reverse("notices:detail", args=[new.pk])).content.decode()
    assert "版本记录" in detail and f"公示 {notice.number}" in detail and new.number in detail

    listing = browser.get(reverse("notices:index")).content.decode()
    assert f"公示 {new.number}" in listing and f"公示 {notice.number}" in listing
    assert notice.ref not in listing  # the interchange key is not what people read


def test_web_roles_and_scope(client, tree, reviewer, people, make_user):
    a, _b = people
    notice = build(tree.city_a, reviewer, [(a, "100")], starts_on=days_ago(0))
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    assert client.get(reverse("notices:build")).status_code == 403
    assert client.post(reverse("notices:publish", args=[notice.pk])).status_code == 403
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 200
    client.force_login(make_user(tree.city_b, Role.REVIEWER))
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notices:pdf", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notices:build"), {"org": "410100"}).status_code == 404


def test_admin_keeps_published_notices_read_only(client, tree, reviewer, people, make_user):
    a, _b = people
    notice = publish(build(tree.city_a, reviewer, [(a, "100")]), reviewer)
    admin_user = make_user(None, Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:notices_notice_change", args=[notice.pk])
    assert client.get(url).status_code == 200  # viewable
    response = client.post(url, {"title": "改", "posted_at": "别处", "_change_reason": "试图修改"})
    assert response.status_code == 403
    entry = notice.entries.get()
    assert client.post(reverse("admin:notices_noticeentry_change", args=[entry.pk]), {}).status_code == 403
    notice.refresh_from_db()
    assert (notice.title, notice.posted_at) == ("困难职工帮扶对象公示", "某某社区居委会公示栏")


def test_web_edit_a_draft(browser, tree, reviewer, people):
    a, b = people
    notice = build(tree.city_a, reviewer, [(a, "100")], starts_on=days_ago(0))
    page = browser.get(reverse("notices:edit", args=[notice.pk])).content.decode()
    assert f'name="amount_{a.pk}"' in page and f'name="amount_{b.pk}"' in page
    assert f'value="{days_ago(0).isoformat()}"' in page  # the date picker gets an ISO date

    response = browser.post(
        reverse("notices:edit", args=[notice.pk]),
        {
            "title": notice.title,
            "posted_at": "职工所在单位",
            "contact": "",
            "starts_on": str(days_ago(0)),
            "period_days": "10",
            f"amount_{a.pk}": "",
            f"amount_{b.pk}": "650.5",
        },
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.posted_at, notice.ends_on, notice.mask_names) == ("职工所在单位", days_ago(-9), False)
    assert [(e.person_id, str(e.amount)) for e in notice.entries.all()] == [(b.pk, "650.50")]
