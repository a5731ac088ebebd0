"""Walking the pages a person is shown: from a start page, every link of every page reached
(menus, section menus, the links in the pages), each page once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

HREF = re.compile(r'href="(/[^"#?]*)')
# Not pages of the role's day: static files, the admin (its own permissions), the API, the
# language switch and logging out.
NOT_WALKED = ("/static/", "/admin/", "/api/", "/i18n/", "/accounts/logout")


def person(world: Any, role: str, unit: str, point: str | None, username: str) -> Any:
    """A member of staff of ``role`` in the world's ``unit`` (and at its ``point``); an
    administrator may open the admin site."""
    from buudien.people.tests.factories import UserFactory

    return UserFactory(
        username=username,
        role=role,
        unit=getattr(world, unit),
        point=getattr(world, point) if point else None,
        is_staff=role == "admin",
    )


class Page(NamedTuple):
    url: str
    response: Any
    linked_from: str | None


def walk(
    client: Any, start: str = "/", most: int = 500, skip: tuple[str, ...] = ()
) -> Iterator[Page]:
    """The pages reached from ``start`` by ``client`` (redirects followed), at most ``most``,
    each with the page that linked to it, leaving out the links that begin with one of
    ``skip``; only an HTML page that opened is read for links."""
    todo, seen, found_on = [start], set(), {}
    not_walked = NOT_WALKED + skip
    while todo and len(seen) < most:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        yield Page(url, response, found_on.get(url))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for match in HREF.finditer(response.content.decode()):
                link = match.group(1)
                if not link.startswith(not_walked) and link not in seen:
                    found_on.setdefault(link, url)
                    todo.append(link)
