"""The XLSX data sheet reads on its own: every label is distinct and says what it counts; the notes
are the notice's full wording."""

import io
from datetime import date as D

from openpyxl import load_workbook

from stats import outputs
from stats.engine import compute_return


def workbook(tree, attachment, cutoff):
    result = compute_return(attachment, year=2014, org_code=tree.province.code, cutoff=cutoff)
    return load_workbook(io.BytesIO(outputs.as_xlsx(result, "张三", "0371-1")))


def test_data_sheet_labels_are_unambiguous(tree):
    for attachment, cutoff in ((1, D(2014, 11, 30)), (2, D(2014, 9, 10)), (3, D(2014, 8, 31))):
        rows = list(workbook(tree, attachment, cutoff)["数据"].iter_rows(min_row=2, values_only=True))
        labels = [row[1] for row in rows]
        assert len(labels) == len(set(labels)), attachment
        by_key = {row[0]: row[1] for row in rows}
        if attachment == 1:
            assert by_key["a1.7"] == "全国工会农民工技能培训示范基地已培训"
            assert by_key["a1.7.skills"] == "全国工会农民工技能培训示范基地已培训（人）/其中技能培训"
            assert by_key["a1.8.domestic_service"] == "全国工会就业培训基地已培训（人）/其中家政服务培训"
            assert by_key["a1.9.entrepreneurship"] == "全国工会系统先进就业培训机构已培训（人）/其中创业培训"
            assert by_key["a1.3.amount"] == "贷（借）款金额合计（含助贷）"
        if attachment == 3:
            assert by_key["a3.5.amount"] == "资助困难农民工子女发放助学款"
            assert by_key["a3.5.college_plus.persons"] == "共资助困难农民工子女（人）/其中大专以上"
            assert by_key["a3.6.amount"] == "资助困难单亲女职工子女发放助学款"


def test_notes_are_the_notices_wording(tree):
    sheet = workbook(tree, 1, D(2014, 11, 30))["报表"]
    text = "\n".join(str(row[0]) for row in sheet.iter_rows(values_only=True) if row and row[0])
    assert (
        "将阶段性统计表（统计截止日期为8月31日）和开展技能培训促就业行动阶段性总结报全总保障工作部；12月10日前，"
        "将统计表（统计截止日期为11月30日）及工会开展技能培训促就业行动年度总结报全总保障工作部。"
    ) in text
    assert "联系电话：（010）68591804、68591807" in text
    a3 = "\n".join(
        str(row[0]) for row in workbook(tree, 3, D(2014, 8, 31))["报表"].iter_rows(values_only=True) if row and row[0]
    )
    assert "1．数据统计截止日期为2014年8月31日。" in a3 and "联系电话：（010）68591824、68591820" in a3
