import pytest
from django.urls import reverse

from beneficiaries.models import Person
from casework.choices import Role
from tests.factories import (
    AidGrantFactory,
    AssistancePlanFactory,
    CertificateFactory,
    ExpenditureFactory,
    FundReceiptFactory,
    GraduateFactory,
    JobFairFactory,
    LoanFactory,
    NoticeEntryFactory,
    ObjectionFactory,
    PairingFactory,
    PersonFactory,
    PlacementFactory,
    PositionOfferFactory,
    SchoolingFactory,
    ServiceFactory,
    TrainingFactory,
    WorkStudyOfferFactory,
)

ALL_FACTORIES = [
    AidGrantFactory,
    AssistancePlanFactory,
    CertificateFactory,
    ExpenditureFactory,
    FundReceiptFactory,
    GraduateFactory,
    JobFairFactory,
    LoanFactory,
    NoticeEntryFactory,
    ObjectionFactory,
    PairingFactory,
    PersonFactory,
    PlacementFactory,
    PositionOfferFactory,
    SchoolingFactory,
    ServiceFactory,
    TrainingFactory,
    WorkStudyOfferFactory,
]


@pytest.mark.parametrize("factory", ALL_FACTORIES)
def test_every_factory_makes_a_valid_record_with_history(db, factory):
    record = factory()
    record.full_clean()
    assert record.history.count() == 1


def test_person_id_number_is_encrypted_at_rest(db):
    person = PersonFactory(id_number="110101198001010002")
    raw = Person.objects.filter(pk=person.pk).values_list("id_number_encrypted", flat=True).get()
    assert "110101198001010002" not in raw
    assert Person.objects.get(pk=person.pk).id_number == "110101198001010002"


def test_api_and_schema_answer_signed_in_users_only(client, tree, make_user):
    assert client.get("/api/v1/persons/").status_code == 403
    client.force_login(make_user(tree.province, Role.CASEWORKER))
    assert client.get("/api/v1/persons/").status_code == 200
    assert client.get(reverse("schema")).status_code == 200
