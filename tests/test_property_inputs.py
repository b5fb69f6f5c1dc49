"""Property-based: every form (each create and edit form, postcards' too, found on the pages
by tests/form_sweep.py) and every importer, given generated text, dates and numbers, answers
with a page (never a 500), saves all of a submission or none of it, and what it saved never
breaks the page it leads to.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL points at one (which refuses what
SQLite accepts: NUL bytes, overlong strings). Example counts are small to keep the suite fast.
"""

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.form_sweep import FORMS, check, fingerprint, forms_for
from tracker.models import Role

SLUG = "/a/testshire"
IMPORTERS = {"actions/import": "title,owner_email,owner_name,due_date,status,details",
             "outcomes/import": "quarter,returned_home,framework_cases,unplanned_returns,"
                                "returned_s20,returned_care_order,not_returned_risk,notes"}
# No shrinking: a failure shows its example at once, and the suite stays quick.
SETTINGS = settings(max_examples=4, deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Text as people and spreadsheets produce it at its worst: any code point, long runs, NUL.
awkward_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=320),
    st.sampled_from(["\x00", "=HYPERLINK(\"x\")", "\u200b", "\u0662\u0661", "\uff12\uff11",
                     "\u00b2", "- " * 600, "a\r\nb", "9" * 30, "-1", "1900", "2101", "[" * 2000]),
)
numbers = st.one_of(st.integers(min_value=-10**20, max_value=10**20).map(str), awkward_text)


@pytest.fixture
def lead(client, signed_in, programme):
    signed_in(Role.LEAD)
    return client


@pytest.mark.parametrize("endpoint", FORMS)
def test_every_form_never_crashes_nor_saves_part(app, client, world, endpoint):
    assert forms_for(app, client, world, endpoint), f"{endpoint} has a form on its page"

    @SETTINGS
    @given(st.data())
    def submit(data):
        # The form as it is now: an edit saved by the last example has a new version.
        forms = forms_for(app, client, world, endpoint)
        if not forms:  # removed by an earlier example
            return
        form = data.draw(st.sampled_from(forms))

        def fill(field):
            # Mostly what the page holds or offers (so saves happen), else generated input.
            way = data.draw(st.sampled_from(["keep", "choose", "generate"]))
            if way == "keep" or (field.kind == "hidden" and data.draw(st.booleans())):
                return None
            if way == "choose" and field.options:
                return data.draw(st.sampled_from(field.options))
            return data.draw(numbers if field.kind.startswith("date") else
                             st.one_of(awkward_text, numbers))

        before = fingerprint()
        check(client, client.post(form.action, data=form.values(fill)), before, endpoint)

    submit()


@pytest.mark.parametrize("importer", IMPORTERS)
def test_importers_never_crash_nor_save_part(lead, importer):
    header = IMPORTERS[importer]
    width = header.count(",") + 1

    @SETTINGS
    @given(st.lists(st.lists(st.one_of(numbers, awkward_text, st.dates().map(str)),
                             min_size=width - 1, max_size=width + 1), min_size=1, max_size=6))
    def upload(rows):
        lines = [header] + [",".join('"' + c.replace('"', '""') + '"' for c in row)
                            for row in rows]
        before = fingerprint()
        check(lead, lead.post(f"{SLUG}/{importer}",
                              data={"csv_text": "\n".join(lines), "confirm": "1"}),
              before, importer)

    upload()


def test_every_form_is_swept(app, client, world):
    """Every POST form on every page a lead opens is in FORMS, so none escapes these tests."""
    from tests.form_sweep import NOT_SWEPT, endpoint_of, forms_on
    from tests.test_tenancy import _url

    draft = {**world, "postcard_id": world["draft_postcard_id"],
             "postcard_item_id": world["draft_commitment_id"]}
    found = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or ("authority_slug" not in rule.arguments
                                         and rule.rule != "/account"):
            continue
        for ids in (world, draft) if "postcard_id" in rule.arguments else (world,):
            for form in forms_on(client, _url(rule, {**ids, "authority_slug": "testshire"})):
                found.add(endpoint_of(app, form.action))
    assert found - NOT_SWEPT - set(FORMS) == set(), "add these to FORMS in tests/form_sweep.py"
