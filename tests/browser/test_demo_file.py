"""The demo province in Chinese: 巩义's caseworker opens a file of their county and finds it believable."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from beneficiaries.models import Household
from portal import henan
from portal.management.commands.load_demo import MARKER_FILE_NO, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_caseworker_sees_a_believable_file(page, shot):
    call_command("load_demo", stdout=io.StringIO())
    household = Household.objects.get(file_no=MARKER_FILE_NO)

    page.goto("/login/")
    page.get_by_label("用户名").fill("gongyi_caseworker")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(reverse("household-detail", args=[household.pk]))
    shot("demo-county-file")
    assert "巩义市总工会" in page.locator("dl.facts").first.inner_text()

    members = page.locator("section.card", has=page.get_by_role("heading", name="家庭成员")).locator("tbody tr")
    assert members.count() == household.members.count() == 3
    seen = {}
    for index in range(members.count()):
        cells = members.nth(index).locator("td")
        name, masked, gender = (cells.nth(k).inner_text().strip() for k in range(3))
        # The masked number keeps its last four characters: the 17th is the order code, odd for men.
        assert re.fullmatch(r"410181\*{8}\d{3}[\dX]", masked), masked
        assert gender == ("男" if int(masked[16]) % 2 else "女"), (name, masked, gender)
        # The given name is one a person of that gender is given.
        assert name[1:] in (henan.MALE_NAMES if gender == "男" else henan.FEMALE_NAMES), (name, gender)
        seen[cells.nth(4).inner_text().strip()] = (name, gender)
    assert seen["户主"][1] == "男" and seen["配偶"][1] == "女"
    assert seen["子女"][0][0] == seen["户主"][0][0]  # the son has his father's surname

    # The son's school entry: junior secondary, on 1 September, at a school named after 巩义.
    schooling = page.locator("section.card", has=page.get_by_role("heading", name=re.compile("就学记录")))
    row = schooling.locator("tbody tr").filter(has_text=seen["子女"][0])
    assert row.count() == 1
    text = row.inner_text()
    assert "初中" in text or "初级中学" in text, text
    assert "2014-09-01" in text and "巩义市" in text, text
