"""Returns between levels through the API and the pages: submit with a summary, return, resubmit, accept."""

from datetime import date as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from casework.choices import Role
from stats.models import ReturnDeadline, ReturnSubmission
from tests.factories import ReturnSubmissionFactory

API = "/api/v1/submissions/"
QUERY = {"attachment": 1, "year": 2014, "cutoff": "2014-11-30"}


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def summary(name="年度总结.pdf", content=b"%PDF-1.4 summary"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def officers(tree, make_user):
    return {unit: make_user(getattr(tree, unit), Role.STATISTICS_OFFICER) for unit in ("city_a", "county_a")}


def test_api_submit_send_back_resubmit_accept(tree, officers, make_user):
    county, city = api_client(officers["county_a"]), api_client(officers["city_a"])
    body = {**QUERY, "org": tree.county_a.code, "preparer": "张三", "phone": "0371-1", "summary": summary()}
    caseworker = api_client(make_user(tree.county_a, Role.CASEWORKER))
    assert caseworker.post(API, body, format="multipart").status_code == 403

    refused = county.post(API, {**body, "summary": summary("总结.txt")}, format="multipart")
    assert refused.status_code == 400 and "summary" in refused.json()
    created = county.post(API, {**body, "summary": summary()}, format="multipart")
    assert created.status_code == 201, created.content
    first = created.json()
    assert (first["version"], first["status"], first["org"]) == (1, "submitted", tree.county_a.code)

    board = city.get(f"{API}board/", {**QUERY, "org": tree.city_a.code}).json()
    assert [(row["org"], row["status"]) for row in board["rows"]] == [(tree.county_a.code, "submitted")]
    assert board["own"]["status"] == "late" and board["subordinates_due"] == "2014-11-30"  # 2014 is long past

    assert county.post(f"{API}{first['id']}/accept/").status_code == 403  # its own submission
    no_comment = city.post(f"{API}{first['id']}/send-back/", {"comment": ""})
    assert no_comment.status_code == 400 and "comment" in no_comment.json()
    sent_back = city.post(f"{API}{first['id']}/send-back/", {"comment": "请核对 a1.3"}, HTTP_X_CHANGE_REASON="核对")
    assert sent_back.status_code == 200 and sent_back.json()["status"] == "returned"

    second = county.post(API, {**body, "summary": summary("年度总结.odt", b"PK\x03\x04odt")}, format="multipart")
    assert second.status_code == 201 and second.json()["version"] == 2
    accepted = city.post(f"{API}{second.json()['id']}/accept/", {"comment": "同意"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"

    listing = city.get(API, {"org": tree.county_a.code}).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert sorted((row["version"], row["status"]) for row in rows) == [(1, "returned"), (2, "accepted")]
    download = city.get(f"{API}{first['id']}/summary/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 summary"
    assert download["Content-Type"] == "application/pdf"
    assert ReturnSubmission.objects.get(pk=first["id"]).history.first().history_change_reason == "核对"


def test_api_deadline_and_scope(tree, officers, make_user):
    city = api_client(officers["city_a"])
    response = city.post(f"{API}deadline/", {**QUERY, "org": tree.city_a.code, "due": "2014-12-01"})
    assert response.status_code == 200, response.content
    assert response.json()["due"] == "2014-12-01"
    assert ReturnDeadline.objects.get().due == D(2014, 12, 1)
    too_late = city.post(f"{API}deadline/", {**QUERY, "org": tree.city_a.code, "due": "2014-12-09"})
    assert too_late.status_code == 400 and "due" in too_late.json()
    board = city.get(f"{API}board/", {**QUERY, "org": tree.city_a.code}).json()
    assert board["subordinates_due"] == "2014-12-01"

    sibling = ReturnSubmissionFactory(organisation=tree.county_b)
    assert city.get(f"{API}{sibling.pk}/").status_code == 404
    assert city.post(f"{API}{sibling.pk}/accept/").status_code == 404
    assert city.get(f"{API}board/", {**QUERY, "org": tree.city_b.code}).status_code == 403
    province = api_client(make_user(tree.province, Role.STATISTICS_OFFICER))
    assert province.post(f"{API}{sibling.pk}/accept/").status_code == 403  # not directly below the province


def test_pages_submit_send_back_resubmit_accept(client, tree, officers, make_user):
    board_url = "/stats/submissions/"
    client.force_login(officers["county_a"])
    own = client.get(board_url, {**QUERY, "org": tree.county_a.code}).content.decode()
    assert "已逾期" in own and 'id="submit-form"' in own
    form = {**QUERY, "org": tree.county_a.code, "preparer": "张三", "phone": "0371-1", "note": ""}
    refused = client.post("/stats/submissions/submit/", {**form, "summary": summary("总结.exe")}, follow=True)
    assert "书面总结只能是" in refused.content.decode()
    response = client.post("/stats/submissions/submit/", {**form, "summary": summary()})
    submission = ReturnSubmission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stats/submissions/{submission.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已上报" in page and "年度总结.pdf" in page and 'id="decide"' not in page
    assert f"org={tree.county_a.code}" in page  # back to its own board: the city's is out of its reach
    assert client.get(f"/stats/submissions/{submission.pk}/summary/").status_code == 200

    viewer = make_user(tree.city_a, Role.CASEWORKER)
    client.force_login(viewer)
    seen = client.get(board_url, {**QUERY, "org": tree.city_a.code}).content.decode()
    assert "已上报待审核" in seen and 'id="deadline-form"' not in seen and 'id="submit-form"' not in seen
    assert 'id="decide"' not in client.get(f"/stats/submissions/{submission.pk}/").content.decode()
    client.post(f"/stats/submissions/{submission.pk}/accept/")
    submission.refresh_from_db()
    assert submission.status == "submitted"  # a caseworker only looks

    client.force_login(officers["city_a"])
    decide = client.get(f"/stats/submissions/{submission.pk}/").content.decode()
    assert 'id="decide"' in decide and f"org={tree.city_a.code}" in decide
    assert client.get(f"/stats/submissions/{submission.pk}/summary/").status_code == 200
    client.force_login(make_user(tree.city_b, Role.STATISTICS_OFFICER))  # another city: like an unknown id
    for url in ("", "summary/"):
        assert client.get(f"/stats/submissions/{submission.pk}/{url}").status_code == 404
    assert client.post(f"/stats/submissions/{submission.pk}/accept/").status_code == 404
    client.force_login(officers["city_a"])
    empty = client.post(f"/stats/submissions/{submission.pk}/send-back/", {"comment": ""}, follow=True)
    assert "退回时必须填写审核意见" in empty.content.decode()
    client.post(f"/stats/submissions/{submission.pk}/send-back/", {"comment": "贷款人数有误"})
    submission.refresh_from_db()
    assert (submission.status, submission.comment) == ("returned", "贷款人数有误")
    assert "已退回" in client.get(board_url, {**QUERY, "org": tree.city_a.code}).content.decode()
    deadline = client.post("/stats/submissions/deadline/", {**QUERY, "org": tree.city_a.code, "due": "2014-12-02"})
    assert deadline.status_code == 302 and ReturnDeadline.objects.get().due == D(2014, 12, 2)

    client.force_login(officers["county_a"])
    client.post("/stats/submissions/submit/", {**form, "summary": summary()})
    second = ReturnSubmission.objects.get(version=2)
    client.force_login(officers["city_a"])
    client.post(f"/stats/submissions/{second.pk}/accept/", {"comment": ""})
    second.refresh_from_db()
    assert second.status == "accepted"
    board = client.get(board_url, {**QUERY, "org": tree.city_a.code}).content.decode()
    assert "已接收" in board and "2014-12-02" in board
    download = client.get(f"/stats/submissions/{submission.pk}/summary/")
    assert download.content == b"%PDF-1.4 summary" and "attachment" in download["Content-Disposition"]
    history = client.get(f"/stats/submissions/{second.pk}/").content.decode()
    assert "贷款人数有误" in history  # the first version, returned, stays in the list


def test_api_list_filters_are_checked_and_admin_is_read_only(client, tree, officers, make_user):
    city = api_client(officers["city_a"])
    for params, field in (({"year": "99999999999"}, "year"), ({"attachment": "7"}, "attachment")):
        response = city.get(API, params)
        assert response.status_code == 400 and field in response.json()
    assert city.get(API, {"cutoff": "2014-02-30"}).status_code == 400
    submission = ReturnSubmissionFactory(organisation=tree.county_a)
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    assert client.get("/admin/stats/returnsubmission/").status_code == 200
    page = client.get(f"/admin/stats/returnsubmission/{submission.pk}/change/")
    assert page.status_code == 200 and "年度总结.pdf" in page.content.decode()
    assert client.get("/admin/stats/returndeadline/").status_code == 200
