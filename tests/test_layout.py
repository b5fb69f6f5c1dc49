"""The page layout every authority page shares: the service navigation and its Plan area."""

import re

from tracker.models import Role


def _navigation(page: str) -> str:
    return page[page.index('<nav aria-label="Programme"'):page.index("</nav>")]


def test_menu_button_is_hidden_until_the_script_shows_it_and_never_aria_hidden(client,
                                                                                signed_in):
    signed_in(Role.OBSERVER)
    nav = _navigation(client.get("/a/testshire/").get_data(as_text=True))
    button = re.search(r"<button[^>]*govuk-service-navigation__toggle[^>]*>", nav).group(0)
    assert " hidden" in button and "aria-hidden" not in button
    assert 'aria-controls="navigation"' in button and 'id="navigation"' in nav


def test_plan_is_one_entry_for_milestones_timeline_and_workstreams(client, signed_in):
    signed_in(Role.OBSERVER)
    for path in ("milestones", "timeline", "workstreams"):
        page = client.get(f"/a/testshire/{path}").get_data(as_text=True)
        nav = _navigation(page)
        assert re.findall(r'aria-current="true">\s*<strong[^>]*>(\w+)<', nav) == ["Plan"]
        assert "Milestones" not in nav and "Timeline" not in nav
        sub = page[page.index('aria-label="Plan"'):]
        assert f'href="/a/testshire/{path}" aria-current="page"' in sub[:sub.index("</nav>")]
