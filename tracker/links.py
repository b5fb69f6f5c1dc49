"""Links as data. Services say where a thing lives (an endpoint and its arguments); pages
turn that into a relative address, emails and calendar feeds into an absolute one from
BASE_URL. So no service calls url_for or builds HTML, and a page never links to the host
an email was queued from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def _adapter():
    base = urlsplit(current_app.config["BASE_URL"])
    return current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                    url_scheme=base.scheme or "https")


def external_url(endpoint: str, **values) -> str:
    """An absolute address from BASE_URL: the scheduler has no request to take the host from,
    and a request's Host header is not to be trusted for links that leave the app."""
    return _adapter().build(endpoint, values, force_external=True)


def external_urls():
    """One builder of absolute addresses for many links (a calendar feed's events): binding
    the URL map once rather than for each link."""
    adapter = _adapter()
    return lambda link: link._with_anchor(
        adapter.build(link.endpoint, dict(link.args), force_external=True))


@dataclass(frozen=True)
class Link:
    endpoint: str
    args: tuple[tuple[str, Any], ...] = ()
    anchor: str = ""

    @classmethod
    def to(cls, endpoint: str, anchor: str = "", **args: Any) -> Link:
        return cls(endpoint, tuple(sorted(args.items())), anchor)

    def _with_anchor(self, url: str) -> str:
        return f"{url}#{self.anchor}" if self.anchor else url

    def url(self) -> str:
        """The address within the app, with no host: right on any server the app runs on.
        In a request, the authority's slug is filled in as for any page link."""
        if has_request_context():
            return url_for(self.endpoint, _anchor=self.anchor or None, **dict(self.args))
        return self._with_anchor(_adapter().build(self.endpoint, dict(self.args)))

    def external(self) -> str:
        """The absolute address, for emails and calendar feeds."""
        return self._with_anchor(external_url(self.endpoint, **dict(self.args)))

    def __str__(self) -> str:
        return self.url()
