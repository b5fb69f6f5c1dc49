"""Spreadsheets in through the browser: upload an Excel file, match a column Homeward could
not, check the rows, import; and the whole record's page."""

import io
import re
from datetime import datetime

from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_action_log_is_matched_checked_and_imported(page):
    sign_in(page, "lead@demo.example.org")
    page.goto("/a/demo/actions/import")
    data = _xlsx([["Task", "Owner", "Target date", "RAG"],
                  ["Brief the new IRO manager", "David Chen", datetime(2027, 3, 31), "Green"],
                  ["Book the June learning set", "lead@demo.example.org", "30/6/27", ""]])
    page.set_input_files("#file", files=[{"name": "log.xlsx", "buffer": data,
                                          "mimeType": "application/octet-stream"}])
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_text("No column is matched to Title")).to_be_visible()
    assert_accessible(page, "action-import-matching")
    screenshot(page, "action-import-matching")
    page.select_option("#column-0", "title")
    page.get_by_role("button", name="Check the rows with these columns").click()
    expect(page.get_by_role("button", name="Import 2 actions")).to_be_visible()
    assert_accessible(page, "action-import-preview")
    screenshot(page, "action-import-preview")
    page.get_by_role("button", name="Import 2 actions").click()
    expect(page.get_by_text("2 actions imported.")).to_be_visible()


def test_the_lead_finds_the_whole_record_from_the_footer(page):
    sign_in(page, "lead@demo.example.org")
    page.goto("/a/demo/actions")
    page.get_by_role("link", name=re.compile("whole record out")).click()
    expect(page.get_by_role("heading", name="Take the whole record out")).to_be_visible()
    assert_accessible(page, "record")
    screenshot(page, "record")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the whole record (.zip)").click()
    assert download.value.suggested_filename.startswith("demo-homeward-record-")
    page.goto("/a/demo/stakeholders/import")
    assert_accessible(page, "stakeholder-import")
    screenshot(page, "stakeholder-import")
