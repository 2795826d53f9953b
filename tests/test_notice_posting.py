"""The public notice as it is posted (issue 15): 落款, 监督电话, place and period, school and stage on a
Golden Autumn notice, names in full (minors masked by a setting), IDs masked, and a photo of the posting."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from beneficiaries.id_numbers import make_id_number, mask
from casework.choices import Role
from casework.services import organisation_update
from notices.choices import NoticeKind, NoticeStatus
from notices.models import Notice
from notices.printing import render_html, render_pdf
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory, SchoolingFactory

D = datetime.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def person(household, name, seq, born):
    # Sequence numbers 9xx: apart from the factory's persons; the birth date is exactly ``born``.
    return PersonFactory(name=name, household=household, id_number=make_id_number("410181", born, 900 + seq))


@pytest.fixture
def posted(tree):
    """A Golden Autumn notice of a county, starting 2014-06-01, published 2014-05-30; the city above has a phone."""
    organisation_update(tree.city_a, acting_user=None, reason="test", supervision_phone="0371-67890123")
    organisation_update(tree.county_a, acting_user=None, reason="test", supervision_phone="0371-11111111")
    household = HouseholdFactory(organisation=tree.county_a)
    notice = NoticeFactory(
        organisation=tree.county_a,
        title="2014年金秋助学拟资助对象公示",
        posted_at="巩义市某社区公示栏",
        starts_on=D(2014, 6, 1),
        ends_on=D(2014, 6, 7),
        published_on=D(2014, 5, 30),
    )
    student = person(household, "王小明", 1, D(2000, 1, 1))  # 14 on the first day
    grown = person(household, "李大山", 2, D(1996, 6, 1))  # 18 that very day: an adult
    SchoolingFactory(person=student, stage="primary", school="第一小学", entered_on=D(2008, 9, 1))
    # Admitted in May, entered in September: in force from the admission, so on the notice's first day.
    SchoolingFactory(
        person=student,
        stage="junior_secondary",
        school="巩义市第二中学",
        entered_on=D(2014, 9, 1),
        admitted_on=D(2014, 5, 20),
    )
    SchoolingFactory(person=grown, stage="senior_secondary", school="巩义市第一高中", entered_on=D(2013, 9, 1))
    # A later record (advance date after the first day) is not yet in force.
    SchoolingFactory(person=grown, stage="undergraduate", school="郑州大学", entered_on=D(2014, 9, 1))
    NoticeEntryFactory(notice=notice, person=student, amount=Decimal("1000.00"))
    NoticeEntryFactory(notice=notice, person=grown, amount=Decimal("3000.00"))
    return Notice.objects.get(pk=notice.pk), student, grown


def test_pdf_shows_signature_phone_place_period_names_ids_school_and_stage(posted):
    notice, student, grown = posted
    text = pdf_text(render_pdf(notice))

    # 落款: the issuing unit and the publication date, at the foot (after the list and the closing words).
    assert text.index("巩义市总工会\n2014年5月30日") > text.index("如对上述名单有异议")
    assert "监督电话：0371-67890123" in text  # the unit above's, not the county's own
    assert "0371-11111111" not in text
    assert "巩义市某社区公示栏" in text and "2014年6月1日至2014年6月7日" in text
    assert f"王小明 {mask(student.id_number)} 巩义市第二中学 初中 1000.00" in text
    assert f"李大山 {mask(grown.id_number)} 巩义市第一高中 高中 3000.00" in text
    assert student.id_number not in text and grown.id_number not in text
    assert "郑州大学" not in text and "第一小学" not in text


def test_signature_date_is_the_start_before_publication_and_the_top_unit_shows_its_own_phone(tree):
    organisation_update(tree.national, acting_user=None, reason="test", supervision_phone="010-12345678")
    notice = NoticeFactory(organisation=tree.national, status=NoticeStatus.DRAFT, kind=NoticeKind.HARDSHIP)
    NoticeEntryFactory(
        notice=notice, person=person(HouseholdFactory(organisation=tree.national), "赵大", 3, D(1970, 1, 1))
    )
    html = render_html(Notice.objects.get(pk=notice.pk))
    assert "监督电话：010-12345678" in html
    assert "<p>2014年6月1日</p>" in html
    assert 'class="school"' not in html  # a hardship notice has no school and stage columns


def test_the_minors_setting_masks_only_minors(posted, settings):
    notice, student, grown = posted
    settings.CASEWORK_NOTICE_MASK_MINORS = True
    text = pdf_text(render_pdf(notice))
    assert f"王*明 {mask(student.id_number)}" in text and "王小明" not in text
    assert f"李大山 {mask(grown.id_number)}" in text


def test_the_unit_may_still_mask_every_name(posted):
    notice, _student, _grown = posted
    notice.mask_names = True
    notice.save()
    html = render_html(notice)
    assert "王*明" in html and "李*山" in html and "李大山" not in html


@pytest.fixture
def caseworker_client(client, tree, make_user):
    user = make_user(tree.county_a, Role.CASEWORKER)
    client.force_login(user)
    return client, user


def upload(client, notice, name, content):
    return client.post(reverse("notices:photo-attach", args=[notice.pk]), {"photo": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content", "content_type"), [("公示.png", PNG, "image/png"), ("张贴.JPG", JPEG, "image/jpeg")]
)
def test_photo_attached_shown_downloaded_and_kept_in_history(posted, caseworker_client, name, content, content_type):
    notice, _student, _grown = posted
    client, user = caseworker_client
    detail = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "未上传" in detail

    response = upload(client, notice, name, content)
    assert response.status_code == 302

    notice.refresh_from_db()
    assert (notice.photo_name, notice.photo_type, bytes(notice.photo_content)) == (name, content_type, content)
    assert notice.photo_attached_by == user and notice.photo_attached_at is not None
    latest = notice.history.first()
    assert (latest.history_user, latest.photo_name, latest.photo_attached_by_id) == (user, name, user.pk)

    download = reverse("notices:photo", args=[notice.pk])
    detail = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert download in detail and user.username in detail
    got = client.get(download)
    assert got.status_code == 200 and got.content == content and got["Content-Type"] == content_type


def test_photo_refused_when_not_an_image_too_large_or_on_a_draft(posted, caseworker_client, settings, tree):
    notice, _student, _grown = posted
    client, _user = caseworker_client

    response = upload(client, notice, "fake.png", "这不是图片".encode())
    assert response.status_code == 400 and "JPEG 或 PNG" in response.content.decode()
    response = upload(client, notice, "photo.txt", PNG)  # a PNG under a name that is not an image's
    assert response.status_code == 400

    settings.NOTICE_PHOTO_MAX_BYTES = 32
    response = upload(client, notice, "big.png", PNG)
    assert response.status_code == 400 and "不能超过" in response.content.decode()

    draft = NoticeFactory(organisation=tree.county_a, status=NoticeStatus.DRAFT)
    response = upload(client, draft, "photo.png", PNG)
    assert response.status_code == 400 and "草稿" in response.content.decode()

    notice.refresh_from_db()
    assert notice.photo_name == "" and notice.history.filter(photo_name__gt="").count() == 0
    assert client.get(reverse("notices:photo", args=[notice.pk])).status_code == 404  # none attached


def test_photo_scoped_to_the_subtree(posted, client, caseworker_client, tree, make_user):
    notice, _student, _grown = posted
    own, _user = caseworker_client
    assert upload(own, notice, "photo.png", PNG).status_code == 302

    client.force_login(make_user(tree.county_b, Role.REVIEWER))
    assert client.get(reverse("notices:photo", args=[notice.pk])).status_code == 404
    assert upload(client, notice, "other.png", JPEG).status_code == 404
    notice.refresh_from_db()
    assert notice.photo_name == "photo.png"

    client.force_login(make_user(tree.city_a, Role.CASEWORKER))  # the unit above sees its subtree's photo
    assert client.get(reverse("notices:photo", args=[notice.pk])).content == PNG


@pytest.mark.django_db
def test_bundle_carries_the_supervision_phone_and_the_notice_kind():
    from casework.bundle import export_bundle, import_bundle
    from casework.models import Organisation
    from tests.test_bundle import full_bundle

    bundle = full_bundle()
    bundle["organisations"][1]["supervision_phone"] = "0371-67890123"
    bundle["notices"][0]["kind"] = "hardship"
    assert import_bundle(bundle, reason="test").ok
    city = Organisation.objects.get(code="410100")
    assert city.supervision_phone == "0371-67890123"
    assert Notice.objects.get(ref="N1").kind == NoticeKind.HARDSHIP

    exported = export_bundle(Organisation.objects.get(code="410000"))
    assert {o["code"]: o.get("supervision_phone") for o in exported["organisations"]}["410100"] == "0371-67890123"
    assert exported["notices"][0]["kind"] == "hardship"

    # Both optional: left out, the stored number stays and a new notice is a Golden Autumn one.
    bundle = full_bundle()
    bundle["notices"][0]["ref"] = "N2"
    assert import_bundle(bundle, reason="test").ok
    assert Organisation.objects.get(code="410100").supervision_phone == "0371-67890123"
    assert Notice.objects.get(ref="N2").kind == NoticeKind.STUDENT_AID

    bundle["notices"][0]["kind"] = "other"
    report = import_bundle(bundle, reason="test")
    assert not report.ok and [p for p, _m in report.errors] == ["notices[0].kind"]


def test_api_shows_the_supervision_phone_and_takes_the_kind(tree, make_user):
    from rest_framework.test import APIClient

    organisation_update(tree.city_a, acting_user=None, reason="test", supervision_phone="0371-67890123")
    api = APIClient()
    api.force_authenticate(make_user(tree.city_a, Role.REVIEWER))
    units = api.get("/api/v1/organisations/", {"code": "410100"}).json()
    rows = units["results"] if isinstance(units, dict) else units
    assert [u["supervision_phone"] for u in rows] == ["0371-67890123"]
    notice = NoticeFactory(organisation=tree.city_a, status=NoticeStatus.DRAFT)
    response = api.patch(f"/api/v1/notices/{notice.pk}/", {"kind": "hardship"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "hardship"
    notice.refresh_from_db()
    assert notice.kind == NoticeKind.HARDSHIP


def test_api_photo_attached_downloaded_refused_and_scoped(posted, tree, make_user):
    from rest_framework.test import APIClient

    notice, _student, _grown = posted
    api = APIClient()
    user = make_user(tree.county_a, Role.CASEWORKER)
    api.force_authenticate(user)
    url = f"/api/v1/notices/{notice.pk}/photo/"
    assert api.get(url).status_code == 404

    refused = api.post(url, {"photo": SimpleUploadedFile("fake.jpg", b"GIF89a not a jpeg")}, format="multipart")
    assert refused.status_code == 400 and "photo" in refused.json()

    response = api.post(url, {"photo": SimpleUploadedFile("posted.jpg", JPEG)}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["photo_name"], body["photo_attached_by"]) == ("posted.jpg", user.username)
    got = api.get(url)
    assert got.status_code == 200 and got.content == JPEG and got["Content-Type"] == "image/jpeg"

    api.force_authenticate(make_user(tree.county_b, Role.REVIEWER))
    assert api.get(url).status_code == 404
    assert api.post(url, {"photo": SimpleUploadedFile("x.png", PNG)}, format="multipart").status_code == 404


def test_admin_edits_the_supervision_phone_with_history(client, tree, make_user):
    from casework.models import Organisation

    root = make_user(None, Role.ADMINISTRATOR, username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    url = reverse("admin:casework_organisation_change", args=[tree.city_a.pk])
    assert 'name="supervision_phone"' in client.get(url).content.decode()
    data = {"code": "410100", "name": "郑州市总工会", "level": "city", "parent": tree.province.pk}
    response = client.post(url, {**data, "supervision_phone": "0371-12345"})
    assert response.status_code == 302, response.content.decode()[:2000]
    city = Organisation.objects.get(pk=tree.city_a.pk)
    assert city.supervision_phone == "0371-12345"
    assert city.history.first().history_user == root
