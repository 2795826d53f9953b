"""The returns workbook never fails on stored or typed text, and never carries a live formula (issue 14)."""

import io

from openpyxl import load_workbook

from casework.choices import Role
from casework.models import Organisation


def test_control_characters_and_formulas_in_the_returns_workbook(tree, make_user, client):
    # A unit name stored before control characters were refused at input.
    Organisation.objects.filter(pk=tree.province.pk).update(name="河南省\x01总工会")
    client.force_login(make_user(tree.province, Role.STATISTICS_OFFICER))
    response = client.get(
        "/stats/returns/xlsx/",
        {
            "attachment": 3,
            "year": 2014,
            "org": "410000",
            "preparer": '=HYPERLINK("http://example.invalid","点我")',
            "phone": "\x07110",
        },
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["报表"]
    row = list(sheet[3])[:6]
    assert [cell.value for cell in row] == [
        "填报单位：",
        "河南省总工会",
        "填报人：",
        '=HYPERLINK("http://example.invalid","点我")',
        "联系电话：",
        "110",
    ]
    assert row[3].data_type == "s"  # text, not a formula
    assert not any(
        cell.data_type == "f"
        for sheet in load_workbook(io.BytesIO(response.content))
        for r in sheet.iter_rows()
        for cell in r
    )
