"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from . import services
from .mail import mail_send
from .models import User
from .selectors import koordination_emails

HEARTBEAT_KEY = "netzwerk:heartbeat"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_rueckmeldung(*, rueckmeldung_id: int) -> bool:
    return services.rueckmeldung_notify(rueckmeldung_id=rueckmeldung_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_signup(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        mail_send(name="registrierung", context={"user": user}, to=koordination_emails())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_account_approved(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        mail_send(name="freigabe", context={"user": user}, to=[user.email])


@shared_task
def heartbeat() -> str:
    """Celery beat runs this every minute; /healthz shows when a worker last did."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=600)
    return now
