"""Roster rows → case bundle, with each record's cells remembered (no database writes here)."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from beneficiaries.id_numbers import sample_id_number
from rosters import conversion, parsing
from rosters.templates import CHILD_ID, GRADUATE_ID, HEAD_ID, KINDS, TRAINEE_ID, WORKER_ID, template_bytes

D = datetime.date
ORG = "410100"


def xlsx(sheets, merges=None, text_columns=()):
    """An XLSX file from ``{sheet name: [row, …]}``; ``merges`` is ``{sheet: ["A1:C1", …]}``."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def convert(content, kind, *, file_name="roster.xlsx", mapping=None, persons=None):
    sheets = parsing.read(content, file_name)
    layouts, skipped = parsing.layouts(sheets, KINDS[kind], mapping)
    conv = conversion.convert(layouts, conversion.Context(org_code=ORG, persons=persons))
    return conv, layouts, skipped


def messages(conv):
    return [(p.sheet, p.row, p.column, p.message) for p in conv.problems]


def test_households_template_example_becomes_this_bundle():
    conv, layouts, skipped = convert(template_bytes(KINDS["households"]), "households")
    assert skipped == ["填写说明"]
    assert conv.problems == []
    assert conv.rows == 2
    assert conv.bundle == {
        "format": "casework-bundle/1",
        "households": [
            {
                "file_no": "ZZ-2024-0001",
                "kind": "worker",
                "single_parent_female": False,
                "hardship_reasons": ["illness", "education"],
                "applied_on": "2024-03-01",
                "filed_on": "2024-04-15",
                "org": ORG,
            }
        ],
        "persons": [
            {
                "id_number": HEAD_ID,
                "name": "张建国",
                "phone": "13800000000",
                "household": "ZZ-2024-0001",
                "relationship": "head",
            }
        ],
    }


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("students", {"persons": 1, "schooling": 1, "aid_grants": 1}),
        ("trainees", {"persons": 1, "trainings": 1, "certificates": 1, "institutions": 1}),
        ("graduates", {"persons": 1, "graduates": 1}),
        ("placements", {"persons": 1, "placements": 1}),
        ("loans", {"persons": 1, "loans": 1}),
        ("services", {"persons": 1, "services": 1}),
        ("funds", {"fund_receipts": 1, "expenditures": 1}),
    ],
)
def test_every_template_example_converts_without_problems(kind, expected):
    conv, _layouts, _skipped = convert(template_bytes(KINDS[kind]), kind)
    assert conv.problems == []
    assert {k: len(v) for k, v in conv.bundle.items() if k != "format"} == expected


def test_template_example_values():
    conv, *_ = convert(template_bytes(KINDS["students"]), "students")
    assert conv.bundle["aid_grants"][0] | {"ref": None} == {
        "ref": None,
        "id_number": CHILD_ID,
        "granted_on": "2024-09-10",
        "amount": "2000",  # typed as "2,000" in the example
        "org": ORG,
        "fund_source": "union",  # 工会经费
        "payment_method": "bank_card",  # 银行卡
    }
    schooling = conv.bundle["schooling"][0]
    assert (schooling["admitted_on"], schooling["grade"]) == ("2024-07-20", "u1")  # 大一
    conv, *_ = convert(template_bytes(KINDS["loans"]), "loans")
    assert conv.bundle["loans"][0]["amount"] == "50000"  # "50,000元"
    assert conv.bundle["loans"][0]["id_number"] == WORKER_ID
    conv, *_ = convert(template_bytes(KINDS["graduates"]), "graduates")
    assert conv.bundle["persons"][0]["household"] == "ZZ-2024-0001"
    assert conv.bundle["graduates"][0]["id_number"] == GRADUATE_ID
    conv, *_ = convert(template_bytes(KINDS["trainees"]), "trainees")
    assert conv.bundle["certificates"][0]["id_number"] == TRAINEE_ID


def test_template_has_chinese_headers_example_row_and_explanations():
    book = load_workbook(io.BytesIO(template_bytes(KINDS["households"])))
    assert book.sheetnames == ["困难职工档案", "家庭成员", "填写说明"]
    sheet = book["困难职工档案"]
    assert [c.value for c in sheet[1]][:3] == ["*档案编号", "*类别", "困难单亲女职工家庭"]
    assert sheet["B2"].value == "困难职工"
    notes = [[c.value for c in row] for row in book["填写说明"].iter_rows()]
    kind_row = next(r for r in notes if r[1] == "类别")
    assert kind_row[2] == "必填"
    assert "困难职工 = worker" in kind_row[3] and "困难农民工 = migrant_worker" in kind_row[3]
    # ID number cells are text, so Excel keeps all 18 digits.
    assert book["家庭成员"].column_dimensions["C"].number_format == "@"


def test_columns_found_by_header_synonyms_in_any_order_and_unknown_ones_listed():
    number = sample_id_number(5)
    content = xlsx(
        {
            "Sheet1": [
                ["备注", "证件号码", "服务日期", "服务项目", "补贴金额", "姓名"],
                ["老客户", number, "2024/6/3", "求职补贴", "500元", "赵红"],
            ]
        }
    )
    conv, layouts, _skipped = convert(content, "services")
    assert [layouts[0].headers[i] for i in layouts[0].unknown] == ["备注"]
    assert conv.bundle["services"][0] | {"ref": None} == {
        "ref": None,
        "id_number": number,
        "type": "job_search_subsidy",
        "served_on": "2024-06-03",
        "amount": "500",
        "org": ORG,
    }


def test_mapping_assigns_unknown_headers():
    number = sample_id_number(6)
    content = xlsx({"名单": [["身份证号码", "领取日期", "补助类别"], [number, "2024.6.3", "创业咨询"]]})
    _conv, layouts, _ = convert(content, "services")
    assert sorted(layouts[0].headers[i] for i in layouts[0].unknown) == ["补助类别", "领取日期"]
    mapping = {
        parsing.mapping_key("名单", "领取日期"): "served_on",
        parsing.mapping_key("名单", "补助类别"): "type",
    }
    conv, layouts, _ = convert(content, "services", mapping=mapping)
    assert layouts[0].unknown == []
    assert conv.bundle["services"][0]["type"] == "entrepreneurship_consulting"
    assert conv.bundle["services"][0]["served_on"] == "2024-06-03"
    assert conv.problems == []


def test_merged_header_cells_and_a_title_row():
    number = sample_id_number(7)
    rows = [
        ["2024年就业人员花名册", None, None, None, None, None],
        ["人员信息", None, "就业情况", None, None, "就业日期"],
        ["姓名", "身份证号码", "就业单位", "就业渠道", "人员类别", None],
        ["赵红", number, "宇通客车", "工会介绍就业", "农民工", "2024年8月1日"],
    ]
    content = xlsx({"就业": rows}, merges={"就业": ["A1:F1", "A2:B2", "C2:E2", "F2:F3"]})
    conv, layouts, _ = convert(content, "placements")
    assert layouts[0].header_row == 2  # 0-based: rows 2 and 3 of the sheet are the header
    assert conv.problems == []
    assert conv.rows == 1
    placement = conv.bundle["placements"][0]
    assert (placement["employer"], placement["channel"], placement["category"], placement["employed_on"]) == (
        "宇通客车",
        "union_referral",
        "migrant_worker",
        "2024-08-01",
    )


def test_blank_rows_are_skipped_and_rows_on_a_second_sheet_are_read():
    a, b, c = (sample_id_number(n) for n in (8, 9, 10))
    header = ["姓名", "身份证号码", "贷款种类", "人员类别", "放款日期", "金额"]
    content = xlsx(
        {
            "第一批": [
                header,
                ["甲", a, "小额贷款", "农民工", "2024-1-5", "10,000"],
                [None] * 6,
                [],
                ["乙", b, "助贷", "其他", 45300, 8000],
            ],
            "第二批": [header, [" ", None], ["丙", c, "小额借款", "在职职工", "2024.3.2", "3000.50元"]],
            "说明": [["本表由某某填写"]],
        }
    )
    conv, layouts, skipped = convert(content, "loans")
    assert skipped == ["说明"]
    assert [lay.sheet.name for lay in layouts] == ["第一批", "第二批"]
    assert conv.rows == 3
    loans = conv.bundle["loans"]
    assert [(x["id_number"], x["lent_on"], x["amount"]) for x in loans] == [
        (a, "2024-01-05", "10000"),
        (b, "2024-01-09", "8000"),  # Excel serial 45300 (45292 is 2024-01-01)
        (c, "2024-03-02", "3000.50"),
    ]
    assert [(conv.origins[("loans", i)].layout.sheet.name, conv.origins[("loans", i)].row) for i in range(3)] == [
        ("第一批", 2),
        ("第一批", 5),
        ("第二批", 3),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_or_gb18030(encoding):
    text = (
        "项目,资金来源,到账日期,金额（元）\n"
        '金秋助学,社会捐助,2014年9月1日,"12,000.00"\n'
        ",,,\n"
        "技能培训促就业,中央财政帮扶资金,2014/9/2,5000元\n"
    )
    conv, _layouts, _ = convert(text.encode(encoding), "funds", file_name="资金.csv")
    assert conv.problems == []
    assert [(r["programme"], r["source"], r["received_on"], r["amount"]) for r in conv.bundle["fund_receipts"]] == [
        ("student_aid", "social_donation", "2014-09-01", "12000.00"),
        ("employment", "central_finance", "2014-09-02", "5000"),
    ]


def test_id_number_stored_as_number_is_reported_on_its_cell():
    good = sample_id_number(12)
    content = xlsx(
        {
            "就业服务": [
                ["姓名", "身份证号码", "服务类型", "服务日期"],
                ["甲", 110101198001010000, "职业介绍", "2024-6-1"],
                ["乙", f"  {good.lower()} ", "法律援助", "2024-6-2"],
            ]
        }
    )
    conv, _layouts, _ = convert(content, "services")
    assert len(conv.problems) == 1
    problem = conv.problems[0]
    assert (problem.sheet, problem.row, problem.column, problem.letter) == ("就业服务", 2, "身份证号码", "B")
    assert "存成了数字" in problem.message
    assert conv.bundle["services"][1]["id_number"] == good.upper()


def test_full_width_characters_are_read():
    number = sample_id_number(13)
    wide = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    content = xlsx({"s": [["身份证号码", "服务类型", "服务日期"], [wide, "职业介绍", "２０２４年６月１日"]]})
    conv, *_ = convert(content, "services")
    assert conv.problems == []
    assert conv.bundle["services"][0]["id_number"] == number
    assert conv.bundle["services"][0]["served_on"] == "2024-06-01"


def test_missing_required_column_and_unreadable_cells_are_problems():
    content = xlsx({"s": [["姓名", "身份证号码", "服务日期"], ["甲", sample_id_number(14), "昨天"]]})
    conv, *_ = convert(content, "services")
    assert messages(conv) == [
        ("s", 1, "服务类型", "缺少必填列“服务类型”。"),
        ("s", 2, "服务日期", "无法识别的日期“昨天”，请填写如 2014-09-01 的日期。"),
    ]


def test_refusal_paths_map_back_to_cells_and_duplicates_of_unreadable_cells_are_dropped():
    content = xlsx(
        {
            "就业服务": [
                ["姓名", "身份证号码", "服务类型", "服务日期"],
                ["甲", sample_id_number(15), "职业介绍", "不知道"],
                ["乙", "110101198001010012", "法律援助", "2024-6-2"],
            ]
        }
    )
    conv, *_ = convert(content, "services")
    problems = conversion.merge_refusals(
        conv,
        [
            ("services[0].served_on", "必填"),  # left out because unreadable: already reported
            ("persons[1].id_number", "身份证号码校验位不正确。"),
            ("services[1].id_number", "未知的人员"),
            ("services[1]", "整条记录有误"),
            ("format", "格式不对"),
        ],
    )
    assert [(p.sheet, p.row, p.column, p.letter, p.message) for p in problems] == [
        ("就业服务", 2, "服务日期", "D", "无法识别的日期“不知道”，请填写如 2014-09-01 的日期。"),
        ("就业服务", 3, "身份证号码", "B", "身份证号码校验位不正确。"),
        ("就业服务", 3, "身份证号码", "B", "未知的人员"),
        ("就业服务", 3, None, None, "整条记录有误"),
        (None, None, None, None, "format: 格式不对"),
    ]


def test_derived_refs_are_stable_and_distinct_for_identical_rows():
    row = ["项目", "资金来源", "到账日期", "金额"]
    data = ["金秋助学", "工会经费", "2024-7-1", 100]
    first, *_ = convert(xlsx({"筹集资金": [row, data, data]}), "funds")
    again, *_ = convert(xlsx({"筹集资金": [row, data, data]}), "funds")
    refs = [r["ref"] for r in first.bundle["fund_receipts"]]
    assert refs == [r["ref"] for r in again.bundle["fund_receipts"]]
    assert refs[1] == refs[0] + "-2"


def test_a_person_on_record_is_not_resent_unless_the_row_gives_a_household():
    number = sample_id_number(16)
    on_record = {number: {"name": "甲", "phone": "13900000000", "household": "H1", "relationship": "head"}}
    content = xlsx({"s": [["姓名", "身份证号码", "服务类型", "服务日期"], ["甲", number, "职业介绍", "2024-6-1"]]})
    conv, *_ = convert(content, "services", persons=on_record)
    assert "persons" not in conv.bundle
    content = xlsx(
        {
            "s": [
                ["姓名", "身份证号码", "档案编号", "与户主关系", "学段", "学校", "入学日期"],
                ["甲", number, "H2", "子女", "本科", "某大学", "2024-9-1"],
            ]
        }
    )
    conv, *_ = convert(content, "students", persons=on_record)
    # The whole record is sent: the phone on record is kept, not wiped.
    assert conv.bundle["persons"] == [
        {"id_number": number, "name": "甲", "household": "H2", "relationship": "child", "phone": "13900000000"}
    ]
