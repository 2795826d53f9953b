"""Resident ID numbers (GB 11643): what is accepted, what is refused and why, and what they tell."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from beneficiaries import id_numbers, services
from beneficiaries.models import Person

VALID = [
    "11010519491231002X",  # the standard's own example, check digit X
    "41010019800101004X",
    "410100198001010023",
    "110101200002290018",  # 29 February of a leap year
]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_are_accepted_as_they_are(number):
    assert id_numbers.validate_id_number(number) == number


def test_lower_case_x_and_spaces_are_normalised():
    assert id_numbers.validate_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert Person.digest("11010519491231002x") == Person.digest("11010519491231002X")


def with_check_digit(body):
    """A 17-digit body and the check digit GB 11643 computes for it (ISO 7064 MOD 11-2), worked out here."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    remainder = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True)) % 11
    return body + "10X98765432"[remainder]


def test_the_test_check_digit_agrees_with_the_standards_example():
    assert with_check_digit("11010519491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("41018119850312003", "巩义 (410181 since 1991), born 1985: the code is the one the number was issued under"),
        ("41018119620101001", "巩义 again, born 1962"),
        ("11011819550607002", "密云区 (110118 since 2015), born 1955"),
        ("11011519600101001", "大兴区 (110115 since 2001), born 1960"),
        ("11010319800101001", "崇文区 (110103 until 2010): a retired code stays valid"),
        ("11010320150101001", "崇文区 again, a number issued in 2015 under the old code"),
        ("41012419800101003", "巩县 (410124, 1983–1991)"),
    ],
)
def test_a_region_code_in_use_at_any_time_up_to_today_is_accepted_whatever_the_birth_year(body, why):
    number = with_check_digit(body)
    assert id_numbers.validate_id_number(number) == number, why


def test_a_region_code_that_never_existed_is_refused_naming_it():
    for body in ("41999919800101001", "99000019800101001", "00000019800101001"):
        with pytest.raises(ValidationError) as caught:
            id_numbers.validate_id_number(with_check_digit(body))
        assert caught.value.code == "region"
        assert caught.value.messages == [f"身份证号码中的地区代码 {body[:6]} 不存在。"]


def test_a_region_code_counts_from_the_year_it_was_first_used():
    assert id_numbers.region_has_existed("410181")
    assert id_numbers.region_has_existed("410181", today=datetime.date(1991, 6, 1))
    assert not id_numbers.region_has_existed("410181", today=datetime.date(1990, 12, 31))
    assert id_numbers.region_has_existed("110103", today=datetime.date(1990, 1, 1))  # in the table from the start


def test_a_registered_person_born_before_the_code_existed_is_stored(tree, make_user):
    user = make_user(tree.county_a)
    number = with_check_digit("41018119850312003")
    person = services.person_register(id_number=number, name="巩义人", organisation=tree.county_a, acting_user=user)
    assert person.id_number == number
    assert person.birth_date == datetime.date(1985, 3, 12)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "checksum"),  # the X replaced by a digit
        ("410100198001010024", "checksum"),  # last digit off by one
        ("110101199002300014", "component"),  # 30 February
        ("110101190013010011", "component"),  # month 13
        ("110101200102290015", "component"),  # 29 February of a common year
        ("11010519491231002", "length"),  # 17 characters
        ("11010519491231002X0", "length"),  # 19 characters
        ("", "length"),
        ("1101051949123100AX", "format"),
        (with_check_digit("11010518991231001"), "component"),  # born 1899
        (with_check_digit("11010500010101001"), "component"),  # born in the year 1
    ],
)
def test_invalid_numbers_are_refused_with_the_reason(number, code):
    with pytest.raises(ValidationError) as caught:
        id_numbers.validate_id_number(number)
    assert caught.value.code == code


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    number = id_numbers.make_id_number("110101", tomorrow, 1)
    with pytest.raises(ValidationError) as caught:
        id_numbers.validate_id_number(number)
    assert caught.value.code == "future"
    assert "晚于今天" in caught.value.messages[0]


def test_what_a_number_tells():
    assert id_numbers.birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert id_numbers.gender("11010519491231002X") == "female"  # order code 002: even
    assert id_numbers.gender("410100198001010013") == "male"
    assert id_numbers.mask("11010519491231002X") == "110105********002X"


def test_sample_numbers_are_valid_and_distinct():
    numbers = [id_numbers.sample_id_number(seq) for seq in range(3000)]
    assert len(set(numbers)) == 3000
    assert all(id_numbers.validate_id_number(n) == n for n in numbers[::97])


def test_registering_with_an_invalid_number_names_the_field_and_writes_nothing(tree, make_user):
    user = make_user(tree.county_a)
    with pytest.raises(ValidationError) as caught:
        services.person_register(
            id_number="110105194912310021", name="张三", organisation=tree.county_a, acting_user=user
        )
    assert caught.value.message_dict == {"id_number": ["身份证号码校验位不正确。"]}
    assert Person.objects.count() == 0
    assert Person.history.count() == 0


def test_a_person_registered_with_lower_case_x_is_stored_upper_case_and_derived(tree, make_user):
    user = make_user(tree.county_a)
    person = services.person_register(
        id_number="11010519491231002x", name="王芳", organisation=tree.county_a, acting_user=user
    )
    person.refresh_from_db()
    assert person.id_number == "11010519491231002X"
    assert (person.gender, person.birth_date) == ("female", datetime.date(1949, 12, 31))
