from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import signup_notify_koordination


@receiver(email_confirmed)
def _tell_koordination_about_confirmed_signup(request, email_address, **kwargs) -> None:
    user = email_address.user
    if not user.is_approved:
        signup_notify_koordination(user=user)
