"""The printable notice: HTML and PDF (WeasyPrint, embedded CJK font), read back with pypdf."""

import io
import re
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from beneficiaries.id_numbers import mask
from notices.printing import mask_name, print_rows, render_html, render_pdf
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory

FULL_ID = re.compile(r"\d{17}[\dXx]")
PHONE = "13912345678"
ADDRESS = "幸福路88号3单元"
NAMES = ["王小明", "李明", "欧阳小明", "张三丰", "买买提·艾力"]


def test_mask_name():
    assert mask_name("张三明") == "张*明"
    assert mask_name("李明") == "李*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name(" 买买提·艾力 ") == "买****力"
    assert (mask_name("张"), mask_name("")) == ("张*", "")


@pytest.fixture
def notice(tree):
    household = HouseholdFactory(organisation=tree.city_a, address=ADDRESS, hardship_reasons=["illness"])
    notice = NoticeFactory(
        organisation=tree.city_a,
        title="2014年金秋助学拟资助对象公示",
        posted_at="巩义市某社区居委会公示栏",
        contact="刘老师 0371-64000000",
        mask_names=True,  # the unit chose to mask names (full names are the default)
    )
    for index, name in enumerate(NAMES):
        person = PersonFactory(name=name, household=household, phone=PHONE)
        NoticeEntryFactory(notice=notice, person=person, amount=Decimal("1000.00") + index)
    struck = PersonFactory(name="赵强", household=household, phone=PHONE)
    NoticeEntryFactory(notice=notice, person=struck, amount=Decimal("500.00"), struck_off=True)
    return notice


def listed(notice):
    return [e for e in notice.entries.select_related("person").order_by("id") if not e.struck_off]


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(reader):
    """``{BaseFont: [FontFile keys]}`` of every font used on every page."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = [k for k in descriptor if k.startswith("/FontFile")]
    return fonts


def assert_personal_data_absent(text, notice):
    assert not FULL_ID.search(text)
    for entry in notice.entries.select_related("person"):
        assert entry.person.id_number not in text
    assert PHONE not in text and ADDRESS not in text and "因病" not in text


def test_print_rows_mask_names_and_ids(notice):
    rows = print_rows(notice)
    expected = [
        (n, mask_name(e.person.name), mask(e.person.id_number), e.amount) for n, e in enumerate(listed(notice), start=1)
    ]
    assert [(r["number"], r["name"], r["id_number"], r["amount"]) for r in rows] == expected
    assert [r["name"] for r in rows] == ["王*明", "李*", "欧**明", "张*丰", "买****力"]
    assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", r["id_number"]) for r in rows)


def test_pdf_lists_every_entry_masked_with_the_font_embedded(notice):
    reader, text = pdf_text(render_pdf(notice))

    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4 portrait, in points
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=1)
    for fact in (
        notice.title,
        notice.organisation.name,
        notice.posted_at,
        "刘老师 0371-64000000",
        "2014年6月1日至2014年6月7日",
    ):
        assert fact in text
    for entry in listed(notice):
        assert f"{mask_name(entry.person.name)} {mask(entry.person.id_number)} {entry.amount}" in text
    for name in NAMES:
        assert name not in text
    assert "赵*" not in text and "500.00" not in text  # taken off by an upheld objection
    assert "5 人 5010.00" in text  # 1000 + 1001 + 1002 + 1003 + 1004
    assert_personal_data_absent(text, notice)

    fonts = embedded_fonts(reader)
    assert fonts and all("NotoSansCJK" in name.replace("-", "") for name in fonts)
    assert all(files for files in fonts.values()), fonts


def test_pdf_with_full_names_when_the_unit_chooses(notice):
    notice.mask_names = False
    notice.save()
    _reader, text = pdf_text(render_pdf(notice))
    for entry in listed(notice):
        assert f"{entry.person.name} {mask(entry.person.id_number)}" in text
    assert_personal_data_absent(text, notice)


def test_html_print_view_shows_the_same(notice):
    html = render_html(notice)
    for entry in listed(notice):
        assert (
            f'<td class="name">{mask_name(entry.person.name)}</td><td class="id">{mask(entry.person.id_number)}</td>'
            in html
        )
    assert "notices/print.css" in html and notice.contact in html and notice.posted_at in html
    assert "size: A4" in render_html(notice, for_pdf=True)
    assert_personal_data_absent(html, notice)


def test_print_notice_command(notice, tmp_path):
    out = tmp_path / "notice.pdf"
    call_command("print_notice", notice.ref, "--output", str(out), stdout=io.StringIO())
    _reader, text = pdf_text(out.read_bytes())
    assert all(mask(e.person.id_number) in text for e in listed(notice))
    with pytest.raises(CommandError):
        call_command("print_notice", "NO-SUCH-REF", "--output", str(out))


def test_a_500_entry_notice_prints_within_seconds(tree):
    household = HouseholdFactory(organisation=tree.city_a)
    notice = NoticeFactory(organisation=tree.city_a, title="五百人公示")
    persons = PersonFactory.create_batch(500, household=household)
    NoticeEntryFactory.reset_sequence()
    for person in persons:
        NoticeEntryFactory(notice=notice, person=person)

    # CPU time, not wall time: the machine is shared, and a loaded one stretches the wall clock, not the work.
    started = time.process_time()
    data = render_pdf(notice)
    elapsed = time.process_time() - started

    reader, text = pdf_text(data)
    assert len(reader.pages) >= 10
    assert all(mask(p.id_number) in text for p in persons)
    assert not FULL_ID.search(text)
    # About 1.7 s of CPU with HarfBuzz subsetting (fontTools alone needs ~20 s); the bound leaves room for slower CPUs.
    assert elapsed < 8, elapsed
