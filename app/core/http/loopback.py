"""Who may talk to our loopback servers: local programs, not web pages (DESIGN §7).

Binding 127.0.0.1 keeps other machines out, but a page in the user's browser runs on this
machine. Two things give it away:

- **DNS rebinding**: the page's own name is made to resolve to 127.0.0.1, so the browser
  treats our answers as same-origin and lets the page read them; its requests still carry the
  attacker's name in ``Host``. Only the names that mean loopback are accepted.
- **Cross-site requests** (``fetch``, a submitted ``<form>``): browsers add an ``Origin``
  header to every cross-origin request and to every POST/PUT; Node's ``http`` module and the
  SDKs built on it never do.
"""

from __future__ import annotations

import re

# The loopback names, with an optional port: the SDK sends url.parse(url).host of the URL we
# hand out (127.0.0.1:<port>); localhost and [::1] are what a person would type instead.
_LOOPBACK_HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?", re.IGNORECASE)


def is_loopback_host(host: str | None) -> bool:
    """Whether a ``Host`` header names this machine's loopback interface (a missing one does not)."""
    return host is not None and _LOOPBACK_HOST.fullmatch(host.strip()) is not None


def host_refusal(host: str | None) -> str | None:
    """Why a request with this ``Host`` is refused, or None when it is a loopback name."""
    if is_loopback_host(host):
        return None
    return (f"wxsim answers only requests addressed to 127.0.0.1, localhost or [::1], not Host {host!r} "
            "(a web page may not reach it through a DNS name)")


def origin_refusal(origin: str | None) -> str | None:
    """Why a request with an ``Origin`` header is refused (a browser sent it), or None."""
    if origin is None:
        return None
    return f"wxsim does not answer web pages (the request came from Origin {origin!r})"
