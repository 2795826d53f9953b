"""Changing one's own password, and an edit refused because a colleague saved first, in headless Chromium."""

import re

import pytest
from django.utils import timezone

from beneficiaries.models import Household
from beneficiaries.services import household_update
from casework.choices import Role
from tests.factories import HouseholdFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
NEW_PASSWORD = re.compile(r"^新密码\*?$")  # the label, not the confirmation's ("新密码确认")


def log_in(page, username, password=PASSWORD):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def test_a_caseworker_changes_their_password(page, shot, tree, make_user):
    make_user(tree.city_a, Role.CASEWORKER, username="caseworker", first_name="王")
    log_in(page, "caseworker")

    page.get_by_role("link", name="修改密码").click()
    page.wait_for_url(re.compile(r"/password/$"))
    assert page.locator("h1").inner_text() == "修改密码"
    page.get_by_label("旧密码").fill(PASSWORD)
    page.get_by_label(NEW_PASSWORD).fill("Hh-1")
    page.get_by_label("新密码确认").fill("Hh-1")
    page.get_by_role("button", name="修改密码").click()
    assert page.get_by_text("密码太短，至少须有 8 个字符。").is_visible()
    shot("password-refused")

    page.get_by_label("旧密码").fill(PASSWORD)
    page.get_by_label(NEW_PASSWORD).fill("Huang-he-2026")
    page.get_by_label("新密码确认").fill("Huang-he-2026")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("密码已修改。").is_visible()
    shot("password-changed")

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/login/"))
    log_in(page, "caseworker", "Huang-he-2026")


def test_an_edit_from_a_stale_page_is_refused_with_who_changed_what(page, shot, tree, make_user):
    household = HouseholdFactory(file_no="ZZ-2014-009", organisation=tree.city_a, address="巩义市新华路1号")
    make_user(tree.city_a, Role.CASEWORKER, username="caseworker")
    zhang = make_user(tree.city_a, Role.CASEWORKER, username="zhangsan", first_name="张三")
    log_in(page, "caseworker")

    page.goto(f"/households/{household.pk}/edit/")
    # Meanwhile a colleague saves the file.
    household_update(household, acting_user=zhang, reason="住址变更", data={"address": "新兴路12号"})
    page.get_by_label("家庭住址").fill("我的地址")
    page.get_by_role("button", name="保存").click()

    when = timezone.localtime(household.history.latest("history_id").history_date).strftime("%Y-%m-%d %H:%M")
    refusal = page.get_by_role("alert").filter(has_text="请刷新后重试")
    assert refusal.inner_text() == f"该记录已被 张三 于 {when} 修改（家庭住址），请刷新后重试。"
    assert Household.objects.get(pk=household.pk).address == "新兴路12号"
    shot("stale-edit-refused")

    # Reloaded, the page shows the colleague's address and saves.
    page.goto(f"/households/{household.pk}/edit/")
    assert page.get_by_label("家庭住址").input_value() == "新兴路12号"
    page.get_by_label("家庭住址").fill("我的地址")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/households/{household.pk}/$"))
    assert Household.objects.get(pk=household.pk).address == "我的地址"
