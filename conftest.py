from types import SimpleNamespace

import pytest

from casework.choices import Level, Role
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def tree(db):
    """A small union tree: national → province → two cities → a county each."""
    national = OrganisationFactory(code="100000", name="中华全国总工会", level=Level.NATIONAL)
    province = OrganisationFactory(code="410000", name="河南省总工会", level=Level.PROVINCE, parent=national)
    city_a = OrganisationFactory(code="410100", name="郑州市总工会", level=Level.CITY, parent=province)
    city_b = OrganisationFactory(code="410300", name="洛阳市总工会", level=Level.CITY, parent=province)
    county_a = OrganisationFactory(code="410181", name="巩义市总工会", level=Level.COUNTY, parent=city_a)
    county_b = OrganisationFactory(code="410381", name="偃师市总工会", level=Level.COUNTY, parent=city_b)
    return SimpleNamespace(
        national=national, province=province, city_a=city_a, city_b=city_b, county_a=county_a, county_b=county_b
    )


@pytest.fixture
def make_user(db):
    def make(organisation, role=Role.CASEWORKER, **kwargs):
        return UserFactory(organisation=organisation, role=role, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 (the production hasher) costs ~0.1 s per user; tests about hashing
    # restore it themselves (tests/test_security_login.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache outlives a test's database rollback: a figure cached for a unit and day in one test
    # (the home page's indicators) must not show in the next, whose records differ under the same ids.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
