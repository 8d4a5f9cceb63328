"""What axe-core cannot see (issue 17), checked in Chromium: the keyboard walks every form in
reading order with a visible focus that nothing hides (2.4.3, 2.4.7, 2.4.11) and leaves it again
(2.1.2, no trap); reduced motion stops every transition and animation (2.3.3); signing in asks
no puzzle and takes a pasted code (3.3.8); a registration does not ask again what the account
knows (3.3.7). Status messages (4.1.3) and the error summary (3.3.1) have tests of their own:
tests/test_live_regions.py, tests/test_fehleruebersicht.py; consistent help (3.2.6) is
checked on every page by the crawl (test_crawl.py)."""

import re

import pytest
from django.urls import reverse

from tests.conftest import TOTP_SECRET
from tests.factories import PASSWORD

from .conftest import totp_code

pytestmark = pytest.mark.browser

# Marks every element the keyboard should reach, in document order; returns how many.
MARK = """() => {
    const selector = 'a[href], area[href], button, input, select, textarea, summary, ' +
        '[tabindex], [contenteditable="true"]';
    let n = 0;
    const radios = new Set();
    for (const el of document.querySelectorAll(selector)) {
        if (el.disabled || el.tabIndex < 0 || el.type === 'hidden') continue;
        if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
        if (el.closest('[inert], [hidden], [aria-hidden="true"]')) continue;
        const details = el.closest('details');  // a closed one shows only its summary
        if (details && !details.open && el !== details.querySelector(':scope > summary')) continue;
        if (el.type === 'radio') {  // one stop per group: the checked one, else the first
            if (radios.has(el.name)) continue;
            radios.add(el.name);
        }
        el.dataset.tabPos = n++;
    }
    return n;
}"""
# What the focused element is and how it looks: its position in the marked order, whether a
# focus indicator is drawn, and whether another element covers its centre.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    el.scrollIntoView({block: 'nearest', inline: 'nearest', behavior: 'instant'});
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
        style.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const label = el.labels && el.labels[0];
    const covered = !(hit && (el.contains(hit) || hit.contains(el) ||
        (label && label.contains(hit))));
    return {pos: el.dataset.tabPos === undefined ? -1 : Number(el.dataset.tabPos),
            tag: el.tagName.toLowerCase(), text: (el.innerText || el.name || el.id).slice(0, 40),
            hit: hit ? hit.tagName.toLowerCase() + '.' + [...hit.classList].join('.') : null,
            y: Math.round(r.top), h: window.innerHeight,
            ring: ring, covered: covered, radio: el.type === 'radio',
            datum: ['date', 'time', 'datetime-local', 'month', 'week'].includes(el.type),
            tabindex: el.getAttribute('tabindex')};
}"""
# (role, URL name, kwargs): pages with the portal's forms, for each kind of visitor.
FORM_PAGES = [
    ("anonym", "account_login", None),
    ("anonym", "account_signup", None),
    ("anonym", "netzwerk:barrierefreiheit", None),
    ("anonym", "wegweiser:angebot-list", None),
    ("partner", "akteure:organisation-edit", {"slug": "kita-wolke"}),
    ("koordination", "foren:forum-create", None),
    ("koordination", "konferenzen:veranstaltung-create", None),
]


def _tab_through(page) -> tuple[int, list[dict]]:
    count = page.evaluate(MARK)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    stops = []
    for _ in range(count * 4 + 10):  # a date field takes a Tab per part
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (stops and focused["pos"] == 0):
            break  # out of the page (to the browser) or round to its start again: no trap
        if stops and focused["pos"] == stops[-1]["pos"] and focused["datum"]:
            continue  # Tab walks the parts of a date or time field (day, month, year)
        stops.append(focused)
    return count, stops


@pytest.mark.parametrize(("role", "name", "kwargs"), FORM_PAGES, ids=[p[1] for p in FORM_PAGES])
def test_the_keyboard_walks_every_form_in_order_with_a_visible_focus_and_leaves_it(
    page, live_server, welt, login_as, role, name, kwargs
):
    login_as(welt.users[role] if role != "anonym" else None)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}{reverse(name, kwargs=kwargs)}")
    count, stops = _tab_through(page)
    assert count > 3 and stops, "keine bedienbaren Elemente gefunden"
    positions = [s["pos"] for s in stops]
    assert -1 not in positions, f"Fokus auf einem unsichtbaren Element: {stops}"
    assert positions == sorted(positions), f"Tab-Reihenfolge weicht vom Text ab: {positions}"
    assert len(positions) == len(set(positions)), "ein Element zweimal erreicht: Falle?"
    assert positions[-1] == count - 1, f"nur {positions[-1] + 1} von {count} erreicht: " + str(
        page.evaluate(
            "n => document.querySelector(`[data-tab-pos='${n}']`).outerHTML.slice(0, 300)",
            positions[-1] + 1,
        )
    )
    unreached = sorted(set(range(count)) - set(positions))
    assert not unreached, "nicht per Tab erreichbar: " + "; ".join(
        page.evaluate(
            "n => document.querySelector(`[data-tab-pos='${n}']`).outerHTML.slice(0, 160)", n
        )
        for n in unreached[:5]
    )
    assert [s for s in stops if s["tabindex"] not in (None, "0", "-1")] == []
    assert [s for s in stops if not s["ring"]] == [], "Fokus nicht sichtbar"
    assert [s for s in stops if s["covered"]] == [], "Fokus von einem anderen Element verdeckt"


def test_the_focus_stays_visible_when_a_form_is_longer_than_the_screen(page, live_server, welt):
    """2.4.11 on a small screen: scrolled to, each field of the long sign-up form shows."""
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{live_server.url}{reverse('account_signup')}")
    count, stops = _tab_through(page)
    assert len(stops) == count
    assert [s for s in stops if s["covered"]] == []


MOTION = """() => {
    const moving = [];
    for (const el of document.querySelectorAll('*')) {
        const s = getComputedStyle(el);
        const lasts = (v) => v.split(',').some(d => parseFloat(d) > 0.01);
        const animated = s.animationName !== 'none' && lasts(s.animationDuration);
        if (lasts(s.transitionDuration) || animated)
            moving.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
    }
    return {moving: moving.slice(0, 10),
            smooth: getComputedStyle(document.documentElement).scrollBehavior === 'smooth'};
}"""


def test_reduced_motion_stops_every_transition_and_animation(browser, live_server, welt, login_as):
    def measure(motion: str) -> dict:
        context = browser.new_context(locale="de-DE", reduced_motion=motion)
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('account_login')}")
        page.get_by_label("E-Mail-Adresse").focus()
        found = page.evaluate(MOTION)
        page.goto(f"{live_server.url}{reverse('wegweiser:angebot-list')}")
        more = page.evaluate(MOTION)
        context.close()
        return {"moving": found["moving"] + more["moving"], "smooth": found["smooth"]}

    normal = measure("no-preference")
    assert normal["moving"], "ohne Wunsch sollte sich etwas bewegen: die Messung misst nichts"
    reduced = measure("reduce")
    assert reduced == {"moving": [], "smooth": False}


def test_sign_in_has_no_puzzle_and_takes_a_pasted_password_and_code(browser, live_server, welt):
    context = browser.new_context(locale="de-DE", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('account_login')}")
    fields = page.locator("main form input:not([type=hidden])").evaluate_all(
        "els => els.map(e => [e.name, e.type, e.autocomplete])"
    )
    assert [f[0] for f in fields] == ["login", "password", "remember"]  # nothing to solve
    assert ["password", "password", "current-password"] in fields  # a password manager fills it
    assert page.locator("main canvas, main iframe, main img").count() == 0

    def paste(locator, text: str) -> None:
        page.evaluate("t => navigator.clipboard.writeText(t)", text)
        locator.focus()
        page.keyboard.press("Control+V")
        assert locator.input_value() == text, "Einfügen verhindert"

    paste(page.get_by_label("E-Mail-Adresse"), "koordination@test.example")
    paste(page.get_by_label("Passwort"), PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/konto/2fa/authenticate/")
    code = page.get_by_label(re.compile(r"^\s*Code"))
    assert code.get_attribute("autocomplete") == "one-time-code"
    paste(code, totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/dashboard/")
    context.close()


def test_a_registration_does_not_ask_again_what_the_account_knows(
    page, live_server, welt, login_as
):
    from datetime import timedelta

    from django.utils import timezone

    from konferenzen.models import Anmeldung, Veranstaltung

    start = timezone.now() + timedelta(days=7)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen", start=start, end=start + timedelta(hours=2)
    )
    partner = welt.users["partner"]
    login_as(partner)
    page.goto(f"{live_server.url}{reverse('konferenzen:veranstaltung-detail', args=[event.pk])}")
    button = page.get_by_role("button", name="Verbindlich anmelden")
    form = page.locator("form", has=button)
    assert form.count() == 1
    assert form.locator("input[type=email], input[name=email], input[name=name]").count() == 0
    button.click()
    page.wait_for_load_state()
    anmeldung = Anmeldung.objects.get(veranstaltung=event)
    assert (anmeldung.email, anmeldung.name) == (partner.email, partner.display_name)
    assert anmeldung.organisation == welt.organisation
