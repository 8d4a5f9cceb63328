"""The Prometheus endpoint (/metrics): django-prometheus's request figures (latency, status,
per view), and the portal's own read at scrape time: mails waiting in the outbox, the age of the
oldest unsent one, failed mails, and Celery task failures (counted in the shared cache by every
worker). Closed unless METRICS_TOKEN is set; then only with "Authorization: Bearer <token>".

With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (an empty directory per start): the
request figures of all workers are then summed (prometheus_client's multiprocess mode)."""

import hmac
import os

from celery.signals import task_failure
from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .ratelimit import count

FEHLER_KEY = "metriken:celery-fehler"


@task_failure.connect
def _count_failure(**kwargs) -> None:
    count(FEHLER_KEY, timeout=None)  # kept until the cache is emptied


class PortalCollector:
    """Figures read from the database and the cache when Prometheus asks."""

    def collect(self):
        from .models import Mail

        waiting = Mail.objects.filter(status__in=[Mail.Status.QUEUED, Mail.Status.SENDING])
        oldest = waiting.aggregate(m=Min("created_at"))["m"]
        yield GaugeMetricFamily(
            "netzwerk_postausgang_wartend", "Mails im Postausgang, noch nicht gesendet",
            value=waiting.count(),
        )  # fmt: skip
        yield GaugeMetricFamily(
            "netzwerk_postausgang_aelteste_sekunden",
            "Alter der ältesten noch nicht gesendeten Mail in Sekunden (0: keine wartet)",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0,
        )
        yield GaugeMetricFamily(
            "netzwerk_postausgang_fehlgeschlagen", "Mails, deren Versand endgültig scheiterte",
            value=Mail.objects.filter(status=Mail.Status.FAILED).count(),
        )  # fmt: skip
        yield CounterMetricFamily(
            "netzwerk_celery_fehler", "Fehlgeschlagene Celery-Aufgaben seit dem Leeren des Caches",
            value=cache.get(FEHLER_KEY) or 0,
        )  # fmt: skip


def _request_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        raise Http404
    portal = CollectorRegistry()
    portal.register(PortalCollector())
    body = generate_latest(_request_registry()) + generate_latest(portal)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
