"""The read-only HSDS 3.0 API (paths and parameters of Open Referral's openapi.json).

Every endpoint: anonymous rate limit per address, only the parameters openapi names (anything
else is a 400 with a JSON message, so a typo does not silently return everything), ETag and
Last-Modified from the data's version with 304 on a matching conditional GET, and a short public
Cache-Control.
"""

import hashlib
import json
import math
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from netzwerk import ratelimit

from . import profil, selectors, tabular

PER_PAGE, MAX_PER_PAGE, MAX_PER_PAGE_MINIMAL = 50, 1000, 10000
MAX_AGE = 60
LIST = ("page", "per_page", "format")


class BadRequest(Exception):
    """A parameter the API does not know, or a value it cannot use: answered with 400."""


def _error(status: int, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"status": status, "detail": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _base_url() -> str:
    return settings.SITE_URL.rstrip("/")


# --- Parameters ------------------------------------------------------------------------------
class Params:
    def __init__(self, query):
        self.query = query

    def text(self, name: str) -> str:
        return self.query.get(name, "").strip()

    def number(self, name: str, default: int, highest: int) -> int:
        raw = self.text(name)
        if not raw:
            return default
        if not raw.isdigit() or not 1 <= int(raw) <= highest:
            raise BadRequest(f"{name} muss eine ganze Zahl von 1 bis {highest} sein.")
        return int(raw)

    def flag(self, name: str) -> bool:
        raw = self.text(name).lower()
        if raw in ("", "false"):
            return False
        if raw == "true":
            return True
        raise BadRequest(f"{name} muss true oder false sein.")

    def uuid(self, name: str) -> str | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise BadRequest(f"{name} muss eine UUID sein.") from None

    def datetime(self, name: str) -> datetime | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw.replace(" ", "+"))  # an unencoded "+" is a space
        except ValueError:
            raise BadRequest(
                f"{name} muss ein Zeitpunkt nach ISO 8601 sein, z. B. 2026-01-31T08:00:00Z."
            ) from None
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def format(self) -> str:
        value = self.text("format") or "json"
        if value not in ("json", "ndjson"):
            raise BadRequest("format muss json oder ndjson sein.")
        return value


# --- Plumbing: limit, conditional GET, cache headers -------------------------------------------
def endpoint(*allowed: str):
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return _error(405, "Nur GET: die Schnittstelle ist nur lesend.", Allow="GET, HEAD")
            if not ratelimit.allow(
                request, action="hsds", limit=settings.HSDS_ANFRAGEN_PRO_MINUTE, period=60
            ):
                return _error(
                    429, "Zu viele Anfragen. Bitte in einer Minute erneut versuchen.",
                    Retry_After="60",
                )  # fmt: skip
            if "id" in kwargs:
                try:
                    kwargs["id"] = uuid.UUID(kwargs["id"])
                except ValueError:
                    return _not_found()  # as JSON, like every other answer here
            unknown = sorted(set(request.GET) - set(allowed))
            if unknown:
                known = ", ".join(allowed) or "keine"
                return _error(
                    400, f"Unbekannte Parameter: {', '.join(unknown)} (erlaubt: {known})."
                )
            version = selectors.version()
            request.hsds_terms = selectors.terms_for(version.digest)
            etag = '"{}"'.format(
                hashlib.sha256(
                    f"{version.digest}|{request.get_full_path()}|{_base_url()}".encode()
                ).hexdigest()[:32]
            )
            response = get_conditional_response(
                request,
                etag=etag,
                last_modified=int(version.last_modified.timestamp())
                if version.last_modified
                else None,
            )
            if response is None:
                try:
                    response = view(request, Params(request.GET), **kwargs)
                except BadRequest as error:
                    return _error(400, str(error))
            if response.status_code in (200, 304):
                response["ETag"] = etag
                if version.last_modified:
                    response["Last-Modified"] = http_date(version.last_modified.timestamp())
                patch_cache_control(response, public=True, max_age=MAX_AGE)
            return response

        wrapper.csrf_exempt = True  # read-only: a POST gets the JSON 405, not the CSRF page
        return wrapper

    return decorate


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _not_found() -> JsonResponse:
    return _error(404, "Nicht gefunden (oder nicht veröffentlicht).")


def _chunks(rows: Iterable, size: int = 200) -> Iterable[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _page(params: Params, items, build: Callable | None = None, *, many: Callable | None = None,
          highest: int = MAX_PER_PAGE):  # fmt: skip
    """One page in HSDS's shape (openapi components.schemas.Page), or with format=ndjson every
    item, one JSON object a line, without paging. `many` builds a whole page at once (when the
    objects of a page need one more query together)."""
    many = many or (lambda rows: [build(row) for row in rows])
    if params.format() == "ndjson":
        rows = items.iterator(chunk_size=500) if hasattr(items, "iterator") else items
        lines = (
            json.dumps(obj, ensure_ascii=False) + "\n"
            for chunk in _chunks(rows)
            for obj in many(chunk)
        )
        return StreamingHttpResponse(lines, content_type="application/x-ndjson")
    page = params.number("page", 1, 10**6)
    per_page = params.number("per_page", PER_PAGE, highest)
    total = len(items) if isinstance(items, list) else items.count()
    pages = math.ceil(total / per_page)
    rows = list(items[(page - 1) * per_page : page * per_page])
    return _json(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": page,
            "size": len(rows),
            "first_page": page == 1,
            "last_page": page >= pages,
            "empty": total == 0,
            "contents": many(rows),
        }
    )


def _one(items: Iterable):
    return next(iter(items), None)


# --- Endpoints -------------------------------------------------------------------------------
@endpoint()
def api_root(request: HttpRequest, params: Params) -> HttpResponse:
    return _json(
        {
            "version": profil.HSDS_VERSION,
            "profile": _base_url() + "/api/hsds/profil/",
            "description": "Angebote des Präventionsnetzwerks als offene Daten nach HSDS 3.0.",
            "license": {"name": settings.HSDS_LIZENZ, "url": settings.HSDS_LIZENZ_URL},
            "datapackage_url": _base_url() + "/api/hsds/datapackage.zip",
        }
    )


@endpoint()
def profile(request: HttpRequest, params: Params) -> HttpResponse:
    return _json(profil.PROFIL)


SERVICE_FILTERS = ("search", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after")


def _services(params: Params, *, located: bool = False):
    """The published offers the filters select, as a query of their keys: a page is cut from
    it, then selectors.load() loads that page."""
    taxonomy = params.uuid("taxonomy_id")
    if taxonomy and taxonomy not in {profil.taxonomy_id(t[0]) for t in profil.TAXONOMIEN}:
        raise BadRequest("taxonomy_id nennt keine Taxonomie dieser Schnittstelle.")
    qs = selectors.published()
    if located:
        qs = selectors.located(qs)
    return selectors.services_filtered(
        qs,
        search=params.text("search"),
        term=params.uuid("taxonomy_term_id"),
        taxonomy=taxonomy,
        organisation=params.uuid("organization_id"),
        modified_after=params.datetime("modified_after"),
        postcode=params.text("postcode") if located else "",
    )


def _pages_of(request: HttpRequest, params: Params, qs, build: Callable, *, full: bool):
    return _page(
        params,
        qs.values_list("pk", flat=True),
        many=lambda pks: [
            build(a) for a in selectors.load(list(pks), full=full, terms=request.hsds_terms)
        ],
    )


@endpoint(*SERVICE_FILTERS, *LIST, "minimal", "full")
def service_list(request: HttpRequest, params: Params) -> HttpResponse:
    base = _base_url()
    if params.flag("minimal"):
        qs = selectors.with_last_modified(_services(params)).values(
            "uuid", "title", "last_modified"
        )

        def minimal(row):
            return {
                "id": str(row["uuid"]),
                "name": row["title"],
                "status": "active",
                "last_modified": profil.timestamp(row["last_modified"]),
            }

        return _page(params, qs, minimal, highest=MAX_PER_PAGE_MINIMAL)
    if params.flag("full"):
        return _pages_of(
            request, params, _services(params), lambda a: profil.service_full(a, base), full=True
        )
    return _pages_of(
        request, params, _services(params), lambda a: profil.service_base(a, base), full=False
    )


@endpoint()
def service_detail(request: HttpRequest, params: Params, id: uuid.UUID) -> HttpResponse:
    offers = selectors.published().filter(uuid=id)
    angebot = _one(selectors.services(full=True, qs=offers, terms=request.hsds_terms))
    if angebot is None:
        return _not_found()
    return _json(profil.service_full(angebot, _base_url()))


@endpoint("search", "full_service", "full", *LIST)
def organization_list(request: HttpRequest, params: Params) -> HttpResponse:
    base = _base_url()
    full, full_service = params.flag("full"), params.flag("full_service")
    qs = selectors.organisations(search=params.text("search"))
    if not (full or full_service):
        return _page(params, qs, lambda o: profil.organization_base(o, base))
    return _page(
        params, qs, many=lambda orgs: _organisations_full(request, orgs, full_service=full_service)
    )


def _organisations_full(request: HttpRequest, orgs: list, *, full_service: bool) -> list[dict]:
    terms = request.hsds_terms
    base = _base_url()
    by_org: dict[int, list] = {o.pk: [] for o in orgs}
    offers = selectors.published().filter(organisation__in=list(by_org))
    for angebot in selectors.services(full=full_service, qs=offers, terms=terms):
        by_org[angebot.organisation_id].append(
            profil.service_full(angebot, base)
            if full_service
            else profil.service_base(angebot, base)
        )
    return [profil.organization_full(o, base, by_org[o.pk]) for o in orgs]


@endpoint("full_service")
def organization_detail(request: HttpRequest, params: Params, id: uuid.UUID) -> HttpResponse:
    org = _one(selectors.organisations().filter(uuid=id))
    if org is None:
        return _not_found()
    return _json(_organisations_full(request, [org], full_service=params.flag("full_service"))[0])


@endpoint(*SERVICE_FILTERS, "full", *LIST, "postcode", "proximity")
def service_at_location_list(request: HttpRequest, params: Params) -> HttpResponse:
    if params.text("proximity"):
        raise BadRequest(
            "proximity wird nicht unterstützt: die Schnittstelle kennt keine Mittelpunkte von "
            "Postleitzahlen. Bitte postcode oder die Koordinaten der Orte nutzen."
        )
    base, full = _base_url(), params.flag("full")
    qs = _services(params, located=True)
    if full:
        return _pages_of(
            request, params, qs, lambda a: profil.service_at_location_full(a, base), full=True
        )
    return _pages_of(
        request,
        params,
        qs,
        lambda a: profil.service_at_location(a, base, with_service=True),
        full=False,
    )


@endpoint()
def service_at_location_detail(request: HttpRequest, params: Params, id: uuid.UUID) -> HttpResponse:
    angebot_uuid = selectors.service_uuid_for_service_at_location(str(id))
    offers = selectors.published().filter(uuid=angebot_uuid)
    angebot = angebot_uuid and _one(
        selectors.services(full=True, qs=offers, terms=request.hsds_terms)
    )
    if not angebot:
        return _not_found()
    return _json(profil.service_at_location_full(angebot, _base_url()))


@endpoint("search", *LIST)
def taxonomy_list(request: HttpRequest, params: Params) -> HttpResponse:
    q = params.text("search").lower()
    items = [
        profil.taxonomy(t[0])
        for t in profil.TAXONOMIEN
        if not q or q in t[1].lower() or q in t[2].lower()
    ]
    return _page(params, items, lambda t: t)


@endpoint()
def taxonomy_detail(request: HttpRequest, params: Params, id: uuid.UUID) -> HttpResponse:
    found = [
        profil.taxonomy(t[0]) for t in profil.TAXONOMIEN if profil.taxonomy_id(t[0]) == str(id)
    ]
    return _json(found[0]) if found else _not_found()


@endpoint("search", *LIST, "taxonomy_id", "top_only", "parent_id")
def taxonomy_term_list(request: HttpRequest, params: Params) -> HttpResponse:
    params.flag("top_only")  # the vocabularies are flat: every term is a top term
    terms = selectors.taxonomy_terms(
        taxonomy=params.uuid("taxonomy_id"), search=params.text("search")
    )
    if params.uuid("parent_id"):
        terms = []  # no term has a parent
    return _page(params, terms, profil.term_object)


@endpoint()
def taxonomy_term_detail(request: HttpRequest, params: Params, id: uuid.UUID) -> HttpResponse:
    term = selectors.term_by_id(str(id))
    return _json(profil.term_object(term)) if term else _not_found()


@endpoint()
def datapackage(request: HttpRequest, params: Params) -> HttpResponse:
    response = HttpResponse(tabular.build_zip(_base_url()), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="hsds-datapackage.zip"'
    return response
