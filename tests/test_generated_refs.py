"""Certificates and school entries are no ``Record`` (they carry no organisation), but their ``ref``
works like every record's: generated when one is typed in (service, API, form), kept when one
arrives with its own (bundle, roster)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from beneficiaries.models import Schooling
from casework.choices import Role
from employment.models import Certificate
from employment.services import certificate_create
from tests.factories import PersonFactory

D = datetime.date
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def worker(tree, make_user):
    return make_user(tree.county_a, Role.CASEWORKER, username="gongyi_caseworker")


@pytest.fixture
def person(tree):
    return PersonFactory(organisation=tree.county_a)


def _data(person, **extra):
    return {"person": person, "issuer": "labour_dept", "level": "junior", "issued_on": D(2014, 5, 1), **extra}


def test_the_service_generates_a_ref_or_keeps_the_given_one(worker, person):
    first = certificate_create(acting_user=worker, reason="录入证书", data=_data(person))
    second = certificate_create(acting_user=worker, reason="录入证书", data=_data(person, level="senior"))
    kept = certificate_create(acting_user=worker, reason="导入证书", data=_data(person, ref="CERT-2014-001"))
    assert GENERATED.fullmatch(first.ref) and GENERATED.fullmatch(second.ref) and first.ref != second.ref
    assert kept.ref == "CERT-2014-001"
    row = first.history.get()
    assert (row.ref, row.history_user_name, row.history_change_reason) == (first.ref, "gongyi_caseworker", "录入证书")


def test_the_service_refuses_an_empty_or_a_taken_ref(worker, person):
    certificate_create(acting_user=worker, reason="录入证书", data=_data(person, ref="CERT-2014-001"))
    for ref in ("", "CERT-2014-001"):
        with pytest.raises(ValidationError) as refused:
            certificate_create(acting_user=worker, reason="录入证书", data=_data(person, ref=ref))
        assert "ref" in refused.value.message_dict
    assert list(Certificate.objects.values_list("ref", flat=True)) == ["CERT-2014-001"]


def test_the_api_generates_a_ref_when_none_is_sent(worker, person):
    api = APIClient()
    api.force_authenticate(worker)
    payload = {"person": person.pk, "issuer": "other", "level": "intermediate", "issued_on": "2014-06-01"}
    created = api.post("/api/v1/certificates/", payload, format="json", HTTP_X_CHANGE_REASON="录入证书")
    assert created.status_code == 201, created.data
    assert GENERATED.fullmatch(created.data["ref"])
    given = api.post("/api/v1/certificates/", {**payload, "ref": "CERT-2014-002"}, format="json")
    assert given.status_code == 201 and given.data["ref"] == "CERT-2014-002"
    assert Certificate.objects.count() == 2


def test_the_form_generates_a_ref(worker, person, client):
    client.force_login(worker)
    response = client.post(
        reverse("certificates-create"),
        {"person": person.pk, "issuer": "labour_dept", "level": "technician", "issued_on": "2014-07-01"},
    )
    assert response.status_code == 302, response.content.decode()
    certificate = Certificate.objects.get()
    assert GENERATED.fullmatch(certificate.ref) and certificate.level == "technician"
    assert certificate.history.get().history_user_name == "gongyi_caseworker"


def test_a_school_entry_gets_a_ref_from_the_api_and_the_form(worker, person, client):
    api = APIClient()
    api.force_authenticate(worker)
    payload = {
        "person": person.pk,
        "stage": "senior_secondary",
        "school": "巩义市第一高级中学",
        "entered_on": "2013-09-01",
    }
    created = api.post("/api/v1/schooling/", payload, format="json", HTTP_X_CHANGE_REASON="录入就学")
    assert created.status_code == 201, created.data
    assert GENERATED.fullmatch(created.data["ref"])

    client.force_login(worker)
    response = client.post(reverse("schooling-create"), {**payload, "entered_on": "2014-09-01"})
    assert response.status_code == 302, response.content.decode()
    refs = Schooling.objects.values_list("ref", flat=True)
    assert len(set(refs)) == 2 and all(GENERATED.fullmatch(ref) for ref in refs)
