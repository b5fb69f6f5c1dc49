"""The read API fuzzed against its own OpenAPI document with schemathesis: no 500, every answer
matches the document, and a token for one authority never receives another's data.

It runs on the session app, in the test's rolled-back transaction, with a bounded number of
examples per operation (a few seconds each)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tracker.extensions import db
from tracker.models import Programme, Role

from .test_api import LISTS, fill_programme

OPERATIONS = ["/api/v1/authorities", "/api/v1/authorities/{slug}",
              *(f"/api/v1/authorities/{{slug}}/{kind}" for kind in LISTS)]
EXAMPLES = 15


@pytest.fixture
def token_header(app, create_authority, create_user, add_member, token_for):
    """Two authorities full of rows; a token for an observer of the first ('ourshire')."""
    ours = create_authority("Ourshire Council", slug="ourshire")
    theirs = create_authority("Theirshire Council", slug="theirshire")
    for authority, tag in ((ours, "Ours "), (theirs, "Theirs ")):
        programme = db.session.execute(
            db.select(Programme).where(Programme.authority_id == authority.id)).scalar_one()
        owner = create_user(name=f"{tag}owner")
        add_member(owner, authority, Role.CHAMPION)
        fill_programme(programme, 3, owner=owner, tag=tag)
    observer = create_user("observer@example.org", name="Oona Observer")
    add_member(observer, ours, Role.OBSERVER)
    # Hypothesis sends hundreds of requests in one test: the limit has its own test.
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    return {"Authorization": f"Bearer {token_for(observer)}"}


def test_every_operation_is_fuzzed(client):
    assert sorted(client.get("/api/v1/openapi.json").json["paths"]) == sorted(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_the_api_keeps_to_its_document(app, token_header, path, mode):
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path]["GET"]
    # Our own authority's slug, so the lists are full; the slug is fuzzed too, below.
    fixed = {"slug": "ourshire"} if "{slug}" in path else None
    strategies = [operation.as_strategy(mode, path_parameters=fixed)]
    if fixed and mode == GenerationMode.POSITIVE:
        strategies.append(operation.as_strategy(mode))

    for strategy in strategies:
        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            response = case.call_and_validate(headers=token_header)
            assert "Theirs" not in response.text, "another authority's data"

        fuzz()
