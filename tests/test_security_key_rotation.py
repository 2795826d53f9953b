"""Key rotation: ``rotate_keys`` re-encrypts live and history columns under the new key, writing no history."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from beneficiaries import services
from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Person
from casework import crypto
from casework.choices import Role
from casework.management.commands.rotate_keys import encrypted_columns
from casework.services import model_update

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
NUMBERS = [sample_id_number(901), sample_id_number(902)]


@pytest.fixture
def keys(settings):
    """Switch the encryption keys; the cached cipher follows, and is reset for the next test."""

    def use(*ks):
        settings.FIELD_ENCRYPTION_KEYS = list(ks)
        crypto.reset_cache()

    yield use
    crypto.reset_cache()


@pytest.fixture
def persons(keys, tree, make_user):
    keys(OLD)
    user = make_user(tree.province, Role.ADMINISTRATOR)
    made = [
        services.person_register(
            id_number=n, name=f"人员{i}", organisation=tree.county_a, phone=f"1380000000{i}", acting_user=user
        )
        for i, n in enumerate(NUMBERS)
    ]
    # A second history row per person, with a phone that only the history keeps.
    for person, phone in zip(made, ["13911112222", "13933334444"], strict=True):
        model_update(person, acting_user=user, reason="换号", data={"phone_encrypted": crypto.encrypt(phone)})
    return made


def history_tokens():
    return list(Person.history.order_by("history_id").values_list("id_number_encrypted", "phone_encrypted"))


def test_the_encrypted_columns_are_found_on_live_and_history_tables():
    labels = {model._meta.label: fields for model, fields in encrypted_columns()}
    assert labels["beneficiaries.Person"] == ["id_number_encrypted", "phone_encrypted"]
    assert labels["beneficiaries.HistoricalPerson"] == ["id_number_encrypted", "phone_encrypted"]


def test_rotation_moves_every_value_to_the_new_key(keys, persons):
    digests = list(Person.objects.order_by("id").values_list("id_number_digest", flat=True))
    history_count = Person.history.count()
    assert history_count == 4

    keys(NEW, OLD)
    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "1", stdout=out)
    # 2 persons × 2 columns live, 4 history rows × 2 columns.
    assert "beneficiaries.Person (id_number_encrypted, phone_encrypted): 4" in out.getvalue()
    assert "beneficiaries.HistoricalPerson (id_number_encrypted, phone_encrypted): 8" in out.getvalue()
    assert "re-encrypted 12 value(s)" in out.getvalue()

    # The old key can go: the new one alone reads everything, live and history.
    keys(NEW)
    people = list(Person.objects.order_by("id"))
    assert [p.id_number for p in people] == NUMBERS
    assert [p.phone for p in people] == ["13911112222", "13933334444"]
    history = Person.history.order_by("history_id")
    assert [h.instance.phone for h in history] == ["13800000000", "13800000001", "13911112222", "13933334444"]
    assert {h.instance.id_number for h in history} == set(NUMBERS)

    # No history row written, blind index untouched.
    assert Person.history.count() == history_count
    assert list(Person.objects.order_by("id").values_list("id_number_digest", flat=True)) == digests

    # And the old key alone no longer reads them.
    keys(OLD)
    with pytest.raises(RuntimeError):
        _ = Person.objects.first().id_number


def test_a_second_run_has_nothing_to_do(keys, persons):
    keys(NEW, OLD)
    call_command("rotate_keys", stdout=io.StringIO())
    before = history_tokens()
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "re-encrypted 0 value(s)" in out.getvalue()
    assert history_tokens() == before


def test_a_dry_run_writes_nothing(keys, persons):
    before = history_tokens()
    keys(NEW, OLD)
    out = io.StringIO()
    call_command("rotate_keys", "--dry-run", stdout=out)
    assert "would re-encrypt 12 value(s)" in out.getvalue()
    assert history_tokens() == before


def test_a_value_no_key_can_read_stops_the_rotation_and_changes_nothing(keys, persons):
    before = history_tokens()
    keys(NEW)  # the old key was dropped too early
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_keys", stdout=io.StringIO())
    assert history_tokens() == before
