from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .rules import is_koordination


class KoordinationMfaMiddleware:
    """Coordinators must set up TOTP before they reach anything but their account pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_totp(request):
            messages.warning(
                request,
                "Als Koordination schützen Sie Ihr Konto mit einem zweiten Faktor. "
                "Bitte richten Sie jetzt eine Authenticator-App ein.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up_totp(self, request) -> bool:
        if not settings.MFA_REQUIRED_FOR_KOORDINATION:
            return False
        user = request.user
        if not user.is_authenticated:
            return False
        path = request.path
        exempt = (reverse("account_login").rsplit("/", 2)[0] + "/", settings.STATIC_URL, "/healthz")
        if path.startswith(exempt) or not is_koordination(user):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
