"""Every role's main pages pass axe-core with no serious or critical violation: the contrast of
the brand, the badges and the links in the text, the names of the controls, the landmarks; and
every form control has a label of its own (a <label> or an aria-label, not a placeholder).

axe-core comes from the npm registry (package.json, installed by ``make install``); the pages
are those a person opens from their menus: the home, each link of the main menu and each link
of the section menus it leads to. A citizen's pages (tracking, the price calculator, the
dossier lookup, the care form) are opened without a login, with an answer on them.

The walk runs over the demo province that ``buudien/network/tests/test_demo.py`` builds once
for its module (with a tiny year of operations: the lists and figures have rows), as that
module's last test: a second build of the same province here took longer than the walk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from buudien.network.demo import DEMO_PASSWORD, PROVINCE
from buudien.people.tests.browser import log_in

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
# A page's serious and critical violations, the forms folded in <details> opened first (the
# postman's delivery form), and the controls that have no label of their own.
PROBLEMS = """async () => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const found = (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} at ${
      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
  const bare = [...document.querySelectorAll('input, select, textarea')]
    .filter(c => !['hidden', 'submit', 'button', 'reset', 'image'].includes(c.type))
    .filter(c => !c.labels.length && !c.ariaLabel && !c.getAttribute('aria-labelledby'));
  if (bare.length) found.push(`no label: ${bare.slice(0, 3).map(c => c.name).join(' | ')}`);
  return found;
}"""
MENUS = "nav.main a[href^='/'], nav.sub a[href^='/']"
# Each role's pages before those that others read (the counter before the supervisors): a page
# is opened once, by the first role whose menus lead to it.
ROLES = (
    "clerk",
    "postman",
    "kt1_operator",
    "hcc_officer",
    "care_officer",
    "hr_officer",
    "accountant",
    "director",
    "auditor",
    "admin",
)
# Forms opened from a menu's page rather than from the menu, where a fault was found.
ALSO = {"hr_officer": ["/emulation/pledges/new/"]}


def axe_script() -> Path:
    """axe-core's script; without it the test skips, and fails in CI (CI=true)."""
    if AXE.exists():
        return AXE
    reason = f"axe-core is not installed ({AXE} is missing): run `npm ci` (`make install`)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(reason)
    pytest.skip(reason)


def _walk(page: Any, base: str, start: list[str], seen: set[str]) -> dict[str, list[str]]:
    """The problems of the pages from ``start`` (a role's home first) through the main menu's
    sections to their section menus, each page opened once."""
    found: dict[str, list[str]] = {}
    todo = [(url, 0) for url in start]
    while todo:
        url, depth = todo.pop(0)
        if url in found or (depth and url in seen):
            continue
        page.goto(f"{base}{url}")
        found[url] = page.evaluate(PROBLEMS)
        seen.add(url)
        if depth < 2:
            links = page.eval_on_selector_all(MENUS, "links => links.map(a => a.pathname)")
            todo += [(link, depth + 1) for link in links if link not in found]
    return {url: problems for url, problems in found.items() if problems}


def _citizen_pages() -> list[str]:
    from buudien.dossiers.models import Dossier
    from buudien.mail.choices import MailService
    from buudien.mail.models import PostalItem

    item = PostalItem.objects.exclude(service=MailService.KT1).order_by("pk").first()
    dossier = Dossier.objects.order_by("pk").first()
    assert item is not None and dossier is not None
    return [
        f"/tracking/?q={item.s10}",
        f"/mail/price/?service={MailService.PARCEL}&origin_province={PROVINCE}"
        f"&recipient_province={PROVINCE}&weight_g=1500",
        f"/dossiers/lookup/?code={dossier.reference}",
        "/care/new/",
        "/login/",
    ]


def assert_every_roles_main_pages_pass_axe(page: Any, base: str, accounts: dict[str, str]) -> None:
    """Each role of ``accounts`` (role: username, the demo's password) signed in walks its
    pages, then a citizen's: no page has a problem, and more than 50 pages were read."""
    page.context.add_init_script(path=str(axe_script()))
    problems: dict[str, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for role in ROLES:
        log_in(page, base, accounts[role], DEMO_PASSWORD)
        home = page.url.removeprefix(base)
        problems[role] = _walk(page, base, [home, *ALSO.get(role, [])], seen)
    page.context.clear_cookies()
    problems["citizen"] = _walk(page, base, _citizen_pages(), set())

    found = [
        f"{role} {url}: {problem}"
        for role, pages in problems.items()
        for url, listed in pages.items()
        for problem in listed
    ]
    assert len(seen) > 50, sorted(seen)
    assert found == [], "\n".join(found)
