from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.utils import translation

from . import anmeldebremse
from .mail import mail_store, sprachen_der_empfaenger


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def pre_authenticate(self, request, **credentials) -> None:
        """Growing delays instead of allauth's lock (netzwerk.anmeldebremse).

        Deliberately without super(): allauth's "login_failed" limit would lock the owner out
        after five wrong passwords from anyone. That limit still guards the TOTP step, which
        allauth's MFA forms consume themselves.
        """
        bremse = anmeldebremse.pruefung_beginnen(request, _email(credentials))
        if bremse:
            raise forms.ValidationError(bremse.meldung, code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        try:
            return super().authenticate(request, **credentials)
        finally:
            anmeldebremse.pruefung_beenden(request)

    def authentication_failed(self, request, **credentials) -> None:
        anmeldebremse.fehlschlag(request, _email(credentials))

    def post_login(self, request, user, **kwargs):
        """After every completed login (second factor included): reset, remember the device."""
        response = super().post_login(request, user, **kwargs)
        anmeldebremse.erfolg(request, user)
        anmeldebremse.geraet_merken(request, response, user)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (confirmation, password reset) go through the outbox like all others,
        in the language of the account they go to, or else of the page that set them off (the
        person asking for a reset or confirming a sign-up is the one reading the mail)."""
        sprache = next(iter(sprachen_der_empfaenger([email])))
        if sprache == settings.LANGUAGE_CODE:
            sprache = translation.get_language()
        with translation.override(sprache):
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


def _email(credentials: dict) -> str:
    return credentials.get("email") or ""
