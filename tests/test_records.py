"""The authority's whole record as one zip: only its own rows, no secrets, formula cells
neutralised, a fixed number of queries."""

import csv
import io
import json
import zipfile

from tests.test_tenancy import _ids_for
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.models import Programme, Role
from tracker.records import services


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def _table(archive, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))


def _programme(authority) -> Programme:
    return db.session.execute(
        db.select(Programme).where(Programme.authority_id == authority.id)).scalar_one()


def test_the_record_holds_the_authoritys_rows_and_none_of_anothers(
        client, create_authority, create_user, add_member, auth):
    ours = create_authority("Ourshire Council", slug="ourshire")
    theirs = create_authority("Theirshire Council", slug="theirshire")
    me = create_user("lead@ourshire.example", name="Olive Lead")
    add_member(me, ours, Role.LEAD)
    outsider = create_user("lead@theirshire.example", name="Theo Outsider")
    add_member(outsider, theirs, Role.LEAD)
    _ids_for(ours)
    _ids_for(theirs)
    actions.create_action(_programme(ours), title='=HYPERLINK("http://evil.example")',
                          actor=None)
    db.session.commit()
    auth.login(me)
    archive = _zip(client.get("/a/ourshire/record/record.zip"))
    names = set(archive.namelist())
    assert {"README.txt", "everything.json", "action.csv", "meeting.csv", "stakeholder.csv",
            "user_account.csv", "action_note.csv"} <= names
    data = archive.read("everything.json").decode()
    everything = json.loads(data)
    assert set(everything["tables"]) == {n[:-4] for n in names if n.endswith(".csv")}
    readme = archive.read("README.txt").decode()
    assert all(f"{n[:-4]}.csv" in readme for n in names if n.endswith(".csv"))

    # Only ours: no row of another authority's programme, in any file, and the other
    # authority's export shares no row with ours.
    programme = _programme(ours)
    for table, rows in everything["tables"].items():
        for row in rows:
            if "programme_id" in row:
                assert row["programme_id"] == programme.id, table
    assert "Theirshire" not in data and "theirshire" not in data and "Theo" not in data
    theirs_zip = zipfile.ZipFile(services.export_zip(theirs, _programme(theirs)))
    their_tables = json.loads(theirs_zip.read("everything.json"))["tables"]
    shared = {t for t, rows in everything["tables"].items()
              if rows and "id" in rows[0] and {r["id"] for r in rows}
              & {r["id"] for r in their_tables.get(t, [])}}
    assert shared == set()
    assert len(everything["tables"]["action"]) == 2  # _ids_for's and the formula's
    assert everything["tables"]["meeting"] and everything["tables"]["postcard_item"]

    # People: name and email, never a secret.
    assert [set(r) for r in _table(archive, "user_account")] == [{"id", "name", "email"}]
    for name in names:
        head = archive.read(name)[:2000].decode(errors="ignore").lower()
        if name.endswith(".csv"):
            assert "token" not in head.splitlines()[0] and "password" not in head, name
    # A spreadsheet shows the title as typed and never runs it.
    assert any(r["title"] == "'=HYPERLINK(\"http://evil.example\")"
               for r in _table(archive, "action"))


def test_only_the_lead_takes_the_record_out(client, signed_in, programme):
    signed_in(Role.STEERING)
    assert client.get("/a/testshire/record/record.zip").status_code == 403
    assert "whole record" not in client.get("/a/testshire/actions").get_data(as_text=True)


def test_the_page_lists_the_files_and_the_footer_links_it(client, signed_in, programme):
    signed_in(Role.LEAD)
    page = client.get("/a/testshire/record").get_data(as_text=True)
    assert "Download the whole record (.zip)" in page and "action_note.csv" in page
    assert "/a/testshire/record" in client.get("/a/testshire/actions").get_data(as_text=True)


def test_the_download_runs_a_fixed_number_of_queries(client, signed_in, programme,
                                                      count_queries):
    me = signed_in(Role.LEAD)
    actions.create_action(programme, title="One", actor=None)
    db.session.commit()
    with count_queries() as few:
        _zip(client.get("/a/testshire/record/record.zip"))
    for n in range(20):
        action = actions.create_action(programme, title=f"More {n}", actor=None)
        actions.add_note(action, "A note", me)
    db.session.commit()
    with count_queries() as many:
        _zip(client.get("/a/testshire/record/record.zip"))
    assert many.count == few.count
