from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .mail import mail_store


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (confirmation, password reset) go through the outbox like all others."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (c for c, kind in getattr(message, "alternatives", []) if kind == "text/html"), ""
        )
        mail_store(
            template=template_prefix.rsplit("/", 1)[-1],
            to=message.to,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
        )
