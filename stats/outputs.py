"""The three forms of a return: JSON (machine-readable), XLSX and an HTML print view laid out like the notice."""

import json
import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.exports import cell_value, xlsx_bytes

BLANK = re.compile(r"\{(a[123]\.[a-z0-9_.]+)\}")

# Labels that say too little without the notice's sentence around them (the data sheet has none).
DATA_LABELS = {
    "a1.3.persons": "获得小额贷（借）款的人数（含助贷）",
    "a1.3.count": "小额贷（借）款笔数（含助贷）",
    "a1.3.jobs": "小额贷（借）款带动就业人数",
    "a1.3.migrant.persons": "农民工",
    "a1.3.migrant.count": "为农民工提供的笔数",
    "a1.3.migrant.amount": "为农民工提供的金额",
    "a1.3.graduate.persons": "困难职工家庭高校毕业生",
    "a1.3.graduate.count": "为困难职工家庭高校毕业生提供的笔数",
    "a1.3.graduate.amount": "为困难职工家庭高校毕业生提供的金额",
    "a1.3.assisted.persons": "获得助贷的人数",
    "a1.3.assisted.count": "助贷笔数",
    "a1.3.assisted.amount": "助贷金额合计",
    "a1.7": "全国工会农民工技能培训示范基地已培训",
    "a1.8": "全国工会就业培训基地已培训",
    "a1.9": "全国工会系统先进就业培训机构已培训",
    "a3.5.persons": "共资助困难农民工子女",
    "a3.5.amount": "资助困难农民工子女发放助学款",
    "a3.6.amount": "资助困难单亲女职工子女发放助学款",
}


def data_labels(attachment):
    """Each cell's label for the data sheet, unambiguous on its own: a part of a breakdown names its
    whole, e.g. "全国工会农民工技能培训示范基地已培训（人）/其中技能培训"."""
    cells = {cell.key: cell for cell in attachment.table_cells}
    labels = {key: DATA_LABELS.get(key, cell.label) for key, cell in cells.items()}
    for whole, parts in attachment.breakdowns:
        for part in parts:
            own = DATA_LABELS.get(part, cells[part].label).removeprefix("其中")
            labels[part] = f"{labels[whole]}（{cells[whole].unit}）/其中{own}"
    return labels


def layout_lines(result, lines):
    """Each line of the official table as segments: ``("text", str)`` or ``("value", key, value)``."""
    out = []
    for line in lines:
        line = line.replace("{year}", str(result.year)).replace("{cutoff}", _date_zh(result.cutoff))
        segments, position = [], 0
        for match in BLANK.finditer(line):
            if match.start() > position:
                segments.append(("text", line[position : match.start()]))
            key = match.group(1)
            segments.append(("value", key, result.display(key)))
            position = match.end()
        if position < len(line):
            segments.append(("text", line[position:]))
        out.append(segments)
    return out


def _date_zh(day):
    return f"{day.year}年{day.month}月{day.day}日"


def header(result, preparer="", phone=""):
    as_of = timezone.localtime(result.as_of).strftime("%Y-%m-%d %H:%M:%S") if result.as_of else ""
    return {
        "title": result.title,
        "organisation": result.organisation["name"],
        "org_code": result.organisation["code"],
        "preparer": preparer,
        "phone": phone,
        "cutoff": _date_zh(result.cutoff),
        "as_recorded_at": as_of,
    }


def as_json(result):
    return json.dumps(result.as_dict(), ensure_ascii=False, indent=2)


def as_html(result, preparer="", phone=""):
    """The print view (A4), rendered from a Django template to a string."""
    lines = [
        [{"text": s[1]} if s[0] == "text" else {"key": s[1], "value": s[2]} for s in line]
        for line in layout_lines(result, result.attachment.layout)
    ]
    notes = [line.replace("{cutoff}", _date_zh(result.cutoff)) for line in result.attachment.notes]
    return render_to_string(
        "stats/return_print.html",
        {
            "head": header(result, preparer, phone),
            "attachment": result.attachment.number,
            "lines": lines,
            "notes": notes,
            "warnings": result.warnings,
        },
    )


def as_xlsx(result, preparer="", phone=""):
    """The return as a workbook: sheet 报表 follows the official wording with each value in its own cell
    right where the notice leaves its blank; sheet 数据 lists key, label, unit, value and exact yuan."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    head = {key: cell_value(value) for key, value in header(result, preparer, phone).items()}
    book = Workbook()
    sheet = book.active
    sheet.title = _("报表")
    sheet.append([_("附件%(n)s") % {"n": result.attachment.number}])
    sheet.append([head["title"]])
    sheet["A2"].font = Font(bold=True, size=14)
    sheet.append(
        [_("填报单位："), head["organisation"], _("填报人："), head["preparer"], _("联系电话："), head["phone"]]
    )
    sheet.append([_("统计截止日期："), head["cutoff"], _("单位代码："), head["org_code"]])
    if head["as_recorded_at"]:
        sheet.append([_("数据时点："), head["as_recorded_at"]])
    sheet.append([])
    value_font = Font(bold=True, underline="single")
    for line in layout_lines(result, result.attachment.layout):
        row = []
        for segment in line:
            row.append(segment[1] if segment[0] == "text" else _number(segment[2]))
        sheet.append(row)
        for column, segment in enumerate(line, start=1):
            if segment[0] == "value":
                cell = sheet.cell(row=sheet.max_row, column=column)
                cell.font = value_font
                cell.alignment = Alignment(horizontal="center")
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
    sheet.append([])
    sheet.append([_("填报说明：")])
    for note in result.attachment.notes:
        sheet.append([note.replace("{cutoff}", head["cutoff"])])
    sheet.column_dimensions["A"].width = 48

    data = book.create_sheet(_("数据"))
    data.append([_("编号"), _("项目"), _("单位"), _("数值"), _("金额（元）")])
    labels = data_labels(result.attachment)
    for cell in result.attachment.table_cells:
        entry = result.cell_json(cell)
        data.append([cell.key, labels[cell.key], cell.unit, _number(entry["value"]), _number(entry.get("yuan"))])
    if result.warnings:
        notes = book.create_sheet(_("提示"))
        notes.append([_("提示")])
        for warning in result.warnings:
            notes.append([warning["message"]])
    return xlsx_bytes(book)


def _number(value):
    # Money travels as decimal strings; the sheet gets a number.
    if isinstance(value, str):
        return Decimal(value)
    return value
