from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import SPRACHE_SESSION_KEY
from .services import signup_notify_koordination


@receiver(email_confirmed)
def _tell_koordination_about_confirmed_signup(request, email_address, **kwargs) -> None:
    user = email_address.user
    if not user.is_approved:
        signup_notify_koordination(user=user)


@receiver(user_logged_in)
def _sprache_des_kontos(request, user, **kwargs) -> None:
    """The language chosen on another device (kept in the account) holds after signing in."""
    if request is not None and getattr(user, "sprache", ""):
        request.session[SPRACHE_SESSION_KEY] = user.sprache
