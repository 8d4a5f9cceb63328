from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

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
        # Staff and superusers too: they reach the back office, whatever their approval says.
        if not (is_koordination(user) or user.is_staff or user.is_superuser):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
