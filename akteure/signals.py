from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from .models import Person


@receiver(user_logged_in)
def _record_activity(sender, request, user, **kwargs) -> None:
    # Activity keeps a person's contact data out of the retention review.
    Person.objects.filter(user=user).update(last_activity_at=timezone.now())
