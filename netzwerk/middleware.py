import logging
import sys

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .rules import is_koordination

# Where a coordinator without TOTP may still go: setting it up, and the account pages around it.
EXEMPT_URL_NAMES = {
    "healthz",
    "readyz",
    "metrics",
    "account_logout",
    "account_reauthenticate",
    "account_email",
}
EXEMPT_URL_PREFIXES = ("mfa_",)
# Machine-read open data: a redirect to an HTML set-up page would only break the client.
EXEMPT_NAMESPACES = {"hsds"}


class KoordinationMfaMiddleware:
    """Coordinators must set up TOTP before they reach anything else (the back office included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self._must_set_up_totp(request):
            messages.warning(
                request,
                _(
                    "Als Koordination schützen Sie Ihr Konto mit einem zweiten Faktor. "
                    "Bitte richten Sie jetzt eine Authenticator-App ein."
                ),
            )
            return redirect("mfa_activate_totp")
        return None

    def _must_set_up_totp(self, request) -> bool:
        if not settings.MFA_REQUIRED_FOR_KOORDINATION:
            return False
        user = request.user
        if not user.is_authenticated:
            return False
        match = request.resolver_match
        name = match.url_name or ""
        # allauth's URLs have no namespace; the admin's "mfa_authenticator_..." pages do.
        if not match.namespace and (
            name in EXEMPT_URL_NAMES or name.startswith(EXEMPT_URL_PREFIXES)
        ):
            return False
        if match.namespace in EXEMPT_NAMESPACES:
            return False
        # Staff and superusers too: they reach the back office, whatever their approval says.
        if not (is_koordination(user) or user.is_staff or user.is_superuser):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# --- Ausfall: PostgreSQL or Redis unreachable (issue 15) -----------------------------------------
# What a request meets while PostgreSQL restarts (a refused or dropped connection), while Redis
# restarts (the cache's client, or Celery's publish after its retries): a German 503 page that
# asks the browser to come back, not a 500 that reads as a bug.
AUSFALL_FEHLER = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
)
# Seconds; a restart of either service takes a few.
AUSFALL_RETRY_AFTER = 30

logger = logging.getLogger(__name__)


def ausfall_response(exc: BaseException) -> HttpResponse:
    """The 503 page; rendered without the request, so that no context processor asks the
    database or the cache that just failed."""
    logger.warning("Dienst nicht erreichbar: %s: %s", exc.__class__.__name__, exc)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(AUSFALL_RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class AusfallMiddleware:
    """A view that fails because PostgreSQL or Redis is unreachable answers 503 (in DEBUG too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AUSFALL_FEHLER):
            return ausfall_response(exception)
        return None


def server_error(request):
    """handler500: the same 503 for an outage met outside a view (a middleware's query of the
    session or the user, the session's save), else Django's 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, AUSFALL_FEHLER):
        return ausfall_response(exc)
    return defaults.server_error(request)


# The language chosen with the switch, for this session; on signing in, the account's own
# (User.sprache, netzwerk.signals) is put here, so the choice follows a person to every device.
SPRACHE_SESSION_KEY = "portal_sprache"


class SpracheMiddleware(LocaleMiddleware):
    """German for every browser, English only for those who chose it with the switch in the
    header (netzwerk.views.sprache_setzen keeps that choice in the session, the language cookie
    and a signed-in person's account). Accept-Language is not asked: the portal is German
    first, and an English browser alone does not say its owner wants the portal in English."""

    def process_request(self, request):
        session = getattr(request, "session", None)
        code = (session.get(SPRACHE_SESSION_KEY) if session is not None else None) or (
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        )
        try:
            code = translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
        except LookupError:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
