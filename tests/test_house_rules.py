"""The house rules that keep the code one house, checked on the source itself: links are
data in services, areas use each other's public names only, and extension points are filled
in a fixed order by create_app."""

from __future__ import annotations

import ast
from pathlib import Path

from tracker import AREAS, ROOT, calendar
from tracker.notifications import jobs
from tracker.portfolio import services as portfolio
from tracker.registry import Registry

PACKAGE = ROOT / "tracker"
# Modules that turn links into addresses: the request layer and the links module itself.
MAY_BUILD_URLS = {"routes.py", "web.py", "links.py", "tenancy.py"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(), filename=str(path))


def _area(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def test_services_say_where_a_link_goes_and_never_build_it():
    offenders = []
    for path, tree in _modules():
        if path.name in MAY_BUILD_URLS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask" and any(
                    alias.name == "url_for" for alias in node.names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_pages_make_their_links_through_the_link_macro():
    """One place writes a page link's markup (templates/macros/links.html): its class, and how
    visually hidden context is added. Emails keep their own inline-styled links."""
    macro = ROOT / "templates" / "macros" / "links.html"
    offenders = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "templates").rglob("*.html"))
                 if path != macro and "email" not in path.parts
                 and 'class="govuk-link' in path.read_text()]
    assert offenders == []


def test_no_area_imports_another_areas_private_names():
    offenders = []
    for path, tree in _modules():
        here = _area(path)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("tracker.")):
                continue
            there = node.module.split(".")[1]
            if there in AREAS and there != here:
                offenders += [f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                              for alias in node.names if alias.name.startswith("_")]
    assert offenders == []


def test_the_ground_floor_imports_no_area():
    """Modules directly in tracker/ (and the models) are below every area."""
    offenders = []
    for path, tree in _modules():
        ground = _area(path) in (None, "models") and path.name != "__init__.py"
        if not ground or path.name in {"cli.py", "demo.py", "web.py", "scheduler.py"}:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    "tracker.") and node.module.split(".")[1] in AREAS:
                offenders.append(f"{path.relative_to(ROOT)}: {node.module}")
    assert offenders == []


def test_extension_points_are_filled_in_the_order_of_the_areas(app):
    assert [s.__name__ for s in calendar.FEED_SOURCES] == [
        "calendar_actions", "calendar_milestones", "calendar_meetings", "calendar_engagements"]
    assert portfolio.column_headings() == [
        "Last learning set", "Next learning set", "Postcards waiting",
        "Framework coverage", "Staff questionnaires"]
    assert [s.__name__ for s in jobs.DIGEST_SECTIONS] == [
        "digest_actions", "digest_milestones", "digest_meetings", "digest_waiting",
        "digest_engagements"]


def test_a_registry_keeps_one_of_each_entry_in_the_order_added():
    registry: Registry[str] = Registry("things")
    registry.add("b")
    registry.add("a")
    registry.add("b")
    assert list(registry) == ["b", "a"] and len(registry) == 2
