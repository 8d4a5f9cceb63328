"""Validating the open data feed against Open Referral's HSDS 3.0 schemas, and reading it."""

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# The schemas beside the project (../shared/hsds-3.0), or where HSDS_SCHEMA_DIR points.
SCHEMA_DIR = Path(
    os.environ.get("HSDS_SCHEMA_DIR") or settings.BASE_DIR.parent / "shared" / "hsds-3.0"
)
BASE = "https://hsds.test/schema/"
PAGE_KEYS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page",
             "empty", "contents"]  # fmt: skip


def _validator(registry, schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def assert_valid(registry, data, ref: str) -> None:
    errors = list(_validator(registry, {"$ref": BASE + ref}).iter_errors(data))
    assert not errors, f"{ref}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def assert_valid_page(registry, data, item_ref: str) -> None:
    schema = {
        "allOf": [{"$ref": BASE + "openapi.json#/components/schemas/Page"}],
        "required": PAGE_KEYS,
        "properties": {"contents": {"type": "array", "items": {"$ref": BASE + item_ref}}},
    }
    errors = list(_validator(registry, schema).iter_errors(data))
    assert not errors, f"Seite mit {item_ref}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def registry() -> Registry:
    """Open Referral's schemas, each under the address the others refer to it by."""
    # No skip when the folder is missing: a validation test that does not run proves nothing.
    if not (SCHEMA_DIR / "service.json").is_file():
        pytest.fail(f"HSDS-Schemas fehlen: {SCHEMA_DIR} (oder HSDS_SCHEMA_DIR setzen)")
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        resource = Resource.from_contents(
            json.loads(path.read_text()), default_specification=DRAFT202012
        )
        # compiled/tabular.json refers to "phone.json" from inside compiled/: both places.
        resources += [(BASE + path.name, resource), (BASE + "compiled/" + path.name, resource)]
    for path in sorted((SCHEMA_DIR / "compiled").glob("*.json")):
        resource = Resource.from_contents(
            json.loads(path.read_text()), default_specification=DRAFT202012
        )
        resources.append((BASE + "compiled/" + path.name, resource))
    return Registry().with_resources(resources)


def get_json(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def all_pages(client, url: str, **params) -> list[dict]:
    pages, page = [], 1
    while True:
        data = get_json(client, url, page=page, per_page=40, **params)
        pages.append(data)
        if data["last_page"]:
            return pages
        page += 1


def package(client) -> dict[str, list[dict]]:
    response = client.get("/api/hsds/datapackage.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    tables = {"datapackage.json": json.loads(archive.read("datapackage.json"))}
    for name in archive.namelist():
        if name.endswith(".csv"):
            tables[name] = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
    return tables
