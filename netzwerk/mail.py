"""Templated e-mail: subject and text body from templates/emails/<name>_subject.txt / _body.txt."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def mail_send(*, name: str, context: dict, to: list[str]) -> None:
    if not to:
        return
    context = {"portal_name": settings.PORTAL_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(
        render_to_string(f"emails/{name}_subject.txt", context, using="text").split()
    )
    body = render_to_string(f"emails/{name}_body.txt", context, using="text")
    EmailMessage(subject=subject, body=body, to=to).send()
