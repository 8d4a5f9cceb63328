"""What a page costs on the wire in the browser, with the static files served as in production
(issue 18: first load under 150 KB, a repeat load under 20 KB). bench/uebertragung.py measures
more pages on the demo network behind gunicorn."""

import re

import pytest
from django.test.testcases import LiveServerThread
from django.urls import reverse

from tests.test_static_cache import ONE_YEAR, collect_production_static

pytestmark = pytest.mark.browser

FIRST_LIMIT, REPEAT_LIMIT = 150 * 1024, 20 * 1024


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    return collect_production_static(tmp_path_factory.mktemp("staticfiles"))


@pytest.fixture
def production_server(transactional_db, settings, collected):
    """The portal with whitenoise serving the collected files: unlike live_server, no test
    handler in front that answers /static/ without compression or cache headers."""
    settings.STATIC_ROOT = collected["STATIC_ROOT"]
    settings.STORAGES = collected["STORAGES"]
    thread = LiveServerThread("localhost", static_handler=lambda handler: handler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()


class Wire:
    """Chrome's count of each response's bytes as they came over the network (CDP)."""

    def __init__(self, page):
        self.responses: dict[str, dict] = {}
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.responseReceived", self._response)
        session.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        response = event["response"]
        headers = {k.lower(): v for k, v in response["headers"].items()}
        self.responses[event["requestId"]] = {"url": response["url"], "bytes": 0, **headers}

    def _finished(self, event):
        self.responses.setdefault(event["requestId"], {"url": "?"})["bytes"] = event[
            "encodedDataLength"
        ]

    def load(self, page, url: str) -> list[dict]:
        self.responses = {}
        assert page.goto(url, wait_until="networkidle").status == 200
        return list(self.responses.values())


@pytest.mark.parametrize("name", ["netzwerk:home", "akteure:angebot-list"])
def test_a_page_is_small_on_first_load_and_tiny_when_visited_again(
    browser, production_server, welt, name
):
    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        wire = Wire(page)
        url = production_server + reverse(name)
        first = wire.load(page, url)
        repeat = wire.load(page, url)
        blocking = page.evaluate(
            "() => Array.from(document.head.querySelectorAll('script'))"
            ".filter(s => !s.defer && !s.async && s.type !== 'module').map(s => s.src)"
        )
    finally:
        context.close()

    first_bytes = sum(r["bytes"] for r in first)
    repeat_bytes = sum(r["bytes"] for r in repeat)
    assert first_bytes < FIRST_LIMIT, [(r["url"], r["bytes"]) for r in first]
    assert repeat_bytes < REPEAT_LIMIT, [(r["url"], r["bytes"]) for r in repeat]
    static = [r for r in first if "/static/" in r["url"]]
    assert len(static) >= 5  # bootstrap's CSS and JS, htmx, the portal's CSS and JS
    for r in static:
        max_age = re.search(r"max-age=(\d+)", r.get("cache-control", ""))
        assert "immutable" in r.get("cache-control", ""), r
        assert max_age and int(max_age[1]) >= ONE_YEAR, r
        if r["url"].endswith((".css", ".js")):
            assert r.get("content-encoding") in ("br", "gzip"), r
    document = next(r for r in first if r["url"] == url)
    assert document.get("content-encoding") == "gzip", document
    # Coming back, only the page itself travels: every file comes from the browser's cache.
    assert [r["url"] for r in repeat if r["bytes"] > 0] == [url]
    assert blocking == []
