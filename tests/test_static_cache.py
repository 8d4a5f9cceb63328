"""Static files as production serves them (whitenoise after collectstatic): hashed names,
compressed, cached for good; pages compressed as well (netzwerk.kompression)."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
ONE_YEAR = 31_536_000
ASSET = re.compile(r'<(?:link|script)\b[^>]*\b(?:href|src)="(/static/[^"]+)"')


def collect_production_static(directory) -> dict:
    """collectstatic as the Dockerfile runs it, without the admin's files (no page here links
    them; they take most of the time); the storage settings to serve the result."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    with override_settings(STATIC_ROOT=directory, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
    return {"STATIC_ROOT": directory, "STORAGES": storages}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    return collect_production_static(tmp_path_factory.mktemp("staticfiles"))


@pytest.fixture
def production_static(settings, collected):
    settings.STATIC_ROOT = collected["STATIC_ROOT"]
    settings.STORAGES = collected["STORAGES"]
    return collected["STATIC_ROOT"]


def _cache_max_age(cache_control: str) -> int:
    found = re.search(r"max-age=(\d+)", cache_control)
    return int(found[1]) if found else 0


def test_every_page_asset_is_hashed_compressed_and_cached_for_a_year(production_static, welt):
    client = Client()
    page = client.get("/")
    assert page.status_code == 200
    assets = ASSET.findall(page.content.decode())
    assert len(assets) >= 5  # bootstrap's CSS and JS, htmx, the portal's CSS and JS, the icon
    for url in assets:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), f"{url}: ohne Hash im Namen"
        response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control and _cache_max_age(cache_control) >= ONE_YEAR, (
            f"{url}: {cache_control}"
        )
        if url.endswith((".css", ".js", ".svg")):
            assert response["Content-Encoding"] == "br", url
            gzipped = client.get(url, headers={"accept-encoding": "gzip"})
            assert gzipped["Content-Encoding"] == "gzip", url
        response.close()


def test_every_collected_script_and_stylesheet_has_a_compressed_copy(production_static):
    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    hashed = [h for h in manifest.values() if h.endswith((".css", ".js"))]
    assert len(hashed) >= 5
    missing = [
        h for h in hashed
        if not (production_static / f"{h}.br").exists()
        or not (production_static / f"{h}.gz").exists()
    ]  # fmt: skip
    assert missing == []


def test_pages_are_sent_gzipped_to_browsers_that_accept_it(production_static, welt):
    client = Client()
    plain = client.get("/")
    gzipped = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})
    assert not plain.has_header("Content-Encoding")
    assert gzipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in gzipped["Vary"]
    # Even this small page (6 KB) shrinks to a third, the Heal-the-Breach padding included.
    assert len(gzipped.content) * 2 < len(plain.content)


def test_spreadsheets_are_not_gzipped_again_but_csv_is(production_static, client_as):
    client = client_as("koordination")
    url = reverse("foren:forum-overview")
    accept = {"accept-encoding": "gzip, deflate, br"}
    xlsx = client.get(url, {"export": "xlsx"}, headers=accept)
    csv = client.get(url, {"export": "csv"}, headers=accept)
    assert xlsx.status_code == csv.status_code == 200
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    assert not xlsx.has_header("Content-Encoding")  # a zip file already
    assert csv["Content-Type"].startswith("text/csv") and csv["Content-Encoding"] == "gzip"
