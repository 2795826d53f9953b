"""The bundle import page: a refused bundle writes nothing and lists every refusal with its path."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Household, Person
from casework.choices import Role


def upload(client, bundle, **data):
    content = json.dumps(bundle, ensure_ascii=False).encode("utf-8")
    return client.post(
        reverse("bundle-import"),
        {"file": SimpleUploadedFile("bundle.json", content, content_type="application/json"), **data},
    )


def bundle(id_number):
    return {
        "format": "casework-bundle/1",
        "households": [
            {
                "file_no": "B-1",
                "org": "410100",
                "kind": "worker",
                "single_parent_female": False,
                "applied_on": "2014-01-02",
                "filed_on": "2014-02-01",
            },
        ],
        "persons": [{"id_number": id_number, "name": "周一", "household": "B-1", "relationship": "head"}],
    }


def test_refusals_are_listed_with_their_paths_and_nothing_is_written(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    bad = sample_id_number(5)[:-1] + ("0" if sample_id_number(5)[-1] != "0" else "1")
    html = upload(client, bundle(bad)).content.decode()
    assert "有 1 处错误，未写入任何数据。" in html
    assert "<code>persons[0].id_number</code>" in html and "身份证号码校验位不正确。" in html
    assert not Household.objects.exists() and not Person.objects.exists()


def test_a_dry_run_writes_nothing_and_a_real_run_imports(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    html = upload(client, bundle(sample_id_number(6)), dry_run="on").content.decode()
    assert "检查通过，未写入任何数据。" in html and not Household.objects.exists()
    html = upload(client, bundle(sample_id_number(6))).content.decode()
    assert "导入成功。" in html
    assert Household.objects.get().file_no == "B-1" and Person.objects.get().name == "周一"


def test_a_file_that_is_not_json_is_refused_next_to_the_field(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    response = client.post(
        reverse("bundle-import"), {"file": SimpleUploadedFile("x.json", b"{not json", content_type="application/json")}
    )
    assert "不是有效的 JSON" in response.content.decode()
