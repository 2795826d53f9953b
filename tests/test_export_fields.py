"""Exports load only the fields their columns read (``RecordType.export_fields``): the same file, no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import listing
from casework.exports import export_log_record
from casework.listing import RecordType
from tests import factories

ROWS = {
    "export-log": lambda user: export_log_record(
        acting_user=user, model="aid.AidGrant", filters={}, file_format="csv", rows=1
    ),
    "households": lambda user: factories.HouseholdFactory(),
    "persons": lambda user: factories.PersonFactory(household=factories.HouseholdFactory()),
    "schooling": lambda user: factories.SchoolingFactory(),
    "graduates": lambda user: factories.GraduateFactory(),
    "annual-reviews": lambda user: factories.AnnualReviewFactory(reviewed_by=user),
    "grants": lambda user: factories.AidGrantFactory(),
    "fund-receipts": lambda user: factories.FundReceiptFactory(),
    "expenditures": lambda user: factories.ExpenditureFactory(),
    "work-study": lambda user: factories.WorkStudyOfferFactory(),
    "measures": lambda user: factories.AssistanceMeasureFactory(),
    "trainings": lambda user: factories.TrainingFactory(),
    "certificates": lambda user: factories.CertificateFactory(),
    "placements": lambda user: factories.PlacementFactory(),
    "loans": lambda user: factories.LoanFactory(),
    "services": lambda user: factories.ServiceFactory(),
    "job-fairs": lambda user: factories.JobFairFactory(),
    "position-offers": lambda user: factories.PositionOfferFactory(),
    "institutions": lambda user: factories.InstitutionFactory(),
    "assistance-plans": lambda user: factories.AssistancePlanFactory(),
    "pairings": lambda user: factories.PairingFactory(),
}


@pytest.fixture
def everyone(db, client):
    """A superuser of no unit sees every record, wherever the factories put it."""
    user = factories.UserFactory(is_superuser=True, organisation=None)
    client.force_login(user)
    return user


def test_every_list_has_rows_to_export_here():
    assert set(ROWS) == set(listing.registered())


def test_the_persons_export_loads_only_its_columns():
    fields = listing.get_type("persons").export_fields()
    assert "id_number_encrypted" in fields and "household" in fields
    assert "phone_encrypted" not in fields and "id_number_digest" not in fields


@pytest.mark.parametrize("slug", sorted(ROWS))
def test_an_export_is_the_same_file_and_costs_as_many_queries_for_two_rows_as_five(everyone, client, slug, monkeypatch):
    def export():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(f"{slug}-export", kwargs={"fmt": "csv"}))
        assert response.status_code == 200
        return response.content.decode("utf-8-sig"), len(queries)

    counts = []
    for added in (2, 3):
        for _ in range(added):
            ROWS[slug](everyone)
        content, count = export()
        counts.append(count)
    assert counts[0] == counts[1]
    # The header and five rows (the export log also holds the first export's entry).
    assert content.count("\n") == 1 + 5 + (slug == "export-log")
    if slug != "export-log":  # exporting the export log adds to it: two exports differ by nature
        monkeypatch.setattr(RecordType, "export_fields", lambda self: None)
        assert export()[0] == content  # every field loaded: the same file
