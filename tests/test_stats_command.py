"""``manage.py stats_return`` in its three output formats."""

import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.test_stats_scenarios import EXPECTED_A1, EXPECTED_A3, build_a1, build_a3


def run(*args):
    out = io.StringIO()
    call_command("stats_return", *args, stdout=out)
    return out.getvalue()


def test_json_has_every_key_with_default_cutoff(tree):
    build_a3(tree)
    data = json.loads(run("--attachment", "3", "--year", "2014", "--org", "410000"))
    assert (data["attachment"], data["year"], data["cutoff"], data["org"]) == (3, 2014, "2014-08-31", "410000")
    assert data["as_recorded_at"] is None
    assert {key: cell["value"] for key, cell in data["cells"].items()} == EXPECTED_A3
    assert isinstance(data["cells"]["a3.4"]["value"], int)
    assert data["cells"]["a3.1"] == {"label": "助学活动共筹集资金", "unit": "万元", "value": "7.00", "yuan": "69999.32"}
    assert [w["total"] for w in data["warnings"]] == ["a3.3"]


def test_json_with_cutoff_and_as_recorded_at(tree):
    build_a1(tree)
    data = json.loads(
        run(
            "--attachment",
            "1",
            "--year",
            "2014",
            "--org",
            "410000",
            "--cutoff",
            "2014-08-31",
            "--as-recorded-at",
            "2099-09-01T08:00:00+08:00",
        )
    )
    assert data["cutoff"] == "2014-08-31"
    assert data["as_recorded_at"] == "2099-09-01T08:00:00+08:00"
    assert data["cells"]["a1.1"]["value"] == 3


def test_xlsx_laid_out_like_the_official_table(tree, tmp_path):
    build_a1(tree)
    path = tmp_path / "a1.xlsx"
    run("--attachment", "1", "--year", "2014", "--org", "410000", "--format", "xlsx", "--output", str(path))
    book = openpyxl.load_workbook(path)
    sheet = book["报表"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][0] == "2014年全国工会技能培训促就业行动情况统计表"
    assert rows[2][:6] == ["填报单位：", "河南省总工会", "填报人：", None, "联系电话：", None]
    assert rows[3][:2] == ["统计截止日期：", "2014年11月30日"]
    first = next(row for row in rows if row[0] and row[0].startswith("1．你省（区、市）各级工会已对"))
    assert first[1:8] == [
        4,
        "（人）开展职业技能培训，其中获得劳动部门颁发职业技能证书的有",
        2,
        "（人），获得其他部门颁发证书的有",
        1,
        "（人），获得中高级职业证书的有",
        2,
    ]
    loans = next(row for row in rows if row[0] == "3．当年为")
    assert (loans[1], loans[3], f"{loans[5]:.2f}", loans[7]) == (4, 6, "18.96", 8)
    services = next(row for row in rows if row[0] == "4．当年为")
    assert services[1:3] == [18, "（人）提供免费就业服务。"]
    data = {row[0]: row for row in book["数据"].iter_rows(min_row=2, values_only=True)}
    assert set(data) == set(EXPECTED_A1)
    # Numbers come back from the file as floats; compare them as 2-decimal strings.
    key, label, unit, value, exact = data["a1.3.amount"]
    assert (label, unit, f"{value:.2f}", f"{exact:.2f}") == (
        "贷（借）款金额合计（含助贷）",
        "万元",
        "18.96",
        "189595.67",
    )
    assert data["a1.1"][2:4] == ("人", 4)
    assert book["提示"]["A2"].value.startswith("“已对…开展职业技能培训”（a1.1）的分项合计 5 超过总数 4")


def test_html_print_view(tree, tmp_path):
    build_a3(tree)
    path = tmp_path / "a3.html"
    run(
        "--attachment",
        "3",
        "--year",
        "2014",
        "--org",
        "410000",
        "--format",
        "html",
        "--output",
        str(path),
        "--preparer",
        "王统计",
        "--phone",
        "0371-1234",
    )
    html = path.read_text(encoding="utf-8")
    assert "@page" in html and "A4" in html and "SimSun" in html
    assert "2014年各地工会金秋助学情况统计表" in html
    assert "王统计" in html and "0371-1234" in html
    assert 'data-key="a3.1">7.00</span>（万元）' in html
    assert 'data-key="a3.7.units">2</span>（家）单位联系' in html
    assert "数据统计截止日期为2014年8月31日" in html


def test_errors_are_reported(tree):
    with pytest.raises(CommandError, match="999999"):
        run("--attachment", "1", "--year", "2014", "--org", "999999")
    with pytest.raises(CommandError, match="as_recorded_at"):
        run("--attachment", "1", "--year", "2014", "--org", "410000", "--as-recorded-at", "later")
    with pytest.raises(CommandError, match="cutoff"):
        run("--attachment", "1", "--year", "2014", "--org", "410000", "--cutoff", "2015-01-01")


def test_binary_stdout_gets_the_bytes(tree):
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    call_command("stats_return", "--attachment", "2", "--year", "2014", "--org", "410000", stdout=stdout)
    assert json.loads(raw.getvalue().decode("utf-8"))["cells"]["a2.1"]["value"] == 0
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    args = ("--attachment", "2", "--year", "2014", "--org", "410000", "--format", "xlsx")
    call_command("stats_return", *args, stdout=stdout)
    assert raw.getvalue()[:2] == b"PK"  # a zip: the workbook itself
    with pytest.raises(CommandError, match="--output"):
        run(*args)  # a text stream cannot take a workbook
