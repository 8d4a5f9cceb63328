#!/usr/bin/env python3
"""Writes locale/de/LC_MESSAGES/django.po: allauth's German in the formal "Sie".

allauth's German catalogue says "du"; a town hall says "Sie". Each entry below is matched by
allauth's own German text and keeps allauth's msgid verbatim. Run after upgrading allauth, then
`msgfmt -o locale/de/LC_MESSAGES/django.mo locale/de/LC_MESSAGES/django.po`;
tests/netzwerk/test_locale.py fails when the two disagree or an override no longer applies.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIE = {
    "Anmeldung": "Anmelden",  # "Sign In" is a button: a verb, not a noun
    "Bitte kontaktiere uns, wenn das Zurücksetzen des Passworts nicht klappt.": "Bitte wenden Sie sich an uns, wenn das Zurücksetzen des Passworts nicht klappt.",
    "Du kannst deine primäre E-Mail-Adresse nicht löschen.": "Sie können Ihre primäre E-Mail-Adresse nicht löschen.",
    "Bitte gib dein aktuelles Passwort ein.": "Bitte geben Sie Ihr aktuelles Passwort ein.",
    "Du kannst nicht mehr als %d E-Mail-Adressen hinzufügen.": "Sie können nicht mehr als %d E-Mail-Adressen hinzufügen.",
    "Zu viele gescheiterte Anmeldeversuche. Bitte versuche es später erneut.": "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut.",
    "Deine primäre E-Mailadresse muss bestätigt werden.": "Ihre primäre E-Mail-Adresse muss bestätigt werden.",
    "Bitte wähle nur eine aus.": "Bitte wählen Sie nur eine aus.",
    "Bitte habe Geduld, du sendest zu viele Anfragen.": "Bitte haben Sie etwas Geduld: Sie senden zu viele Anfragen.",
    "Du musst zweimal das selbe Passwort eingeben.": "Bitte geben Sie zweimal dasselbe Passwort ein.",
    "Du musst zweimal dieselbe E-Mail-Adresse eingeben.": "Bitte geben Sie zweimal dieselbe E-Mail-Adresse ein.",
    "Für dein Konto wurde noch kein Passwort festgelegt.": "Für Ihr Konto wurde noch kein Passwort festgelegt.",
    "Dein Konto hat keine bestätigte E-Mail-Adresse.": "Ihr Konto hat keine bestätigte E-Mail-Adresse.",
    "Möchtest du wirklich die ausgewählte E-Mail-Adresse entfernen?": "Möchten Sie die ausgewählte E-Mail-Adresse wirklich entfernen?",
    "Du erhältst diese E-Mail, weil du oder jemand anderes versucht hat, sich für ein Konto "
    "anzumelden mit E-Mail-Adresse:\n\n%(email)s\n\nEs existiert jedoch bereits ein Konto mit "
    "dieser E-Mail-Adresse. Falls du dies vergessen hast, verwende bitte das "
    "Passwort-Vergessen-Verfahren, um dein Konto wiederherzustellen:\n\n%(password_reset_url)s": "Sie erhalten diese E-Mail, weil Sie oder jemand anderes versucht hat, ein Konto mit "
    "dieser E-Mail-Adresse anzulegen:\n\n%(email)s\n\nEs gibt jedoch bereits ein Konto mit "
    "dieser E-Mail-Adresse. Falls Sie das vergessen haben, setzen Sie bitte Ihr Passwort "
    "zurück:\n\n%(password_reset_url)s",
    "Danke dass du %(site_name)s nutzt!\n%(site_domain)s": "Danke, dass Sie %(site_name)s nutzen!\n%(site_domain)s",
    "Bitte bestätige deine E-Mail-Adresse": "Bitte bestätigen Sie Ihre E-Mail-Adresse",
    "Dein Passwort wurde geändert.": "Ihr Passwort wurde geändert.",
    "Du erhältst diese E-Mail weil du oder jemand anderes die Zurücksetzung des Passwortes für "
    "dein Konto gefordert hat.\nFalls es sich dabei nicht um dich handelt, kann diese Nachricht "
    "ignoriert werden. Rufe folgende Adresse auf um dein Passwort zurückzusetzen.": "Sie erhalten diese E-Mail, weil Sie oder jemand anderes das Zurücksetzen des Passworts "
    "für Ihr Konto angefordert hat.\nWenn Sie das nicht waren, können Sie diese Nachricht "
    "ignorieren. Über den folgenden Link setzen Sie Ihr Passwort zurück.",
    "Falls du deinen Anmeldenamen vergessen haben solltest; er lautet %(username)s.": "Falls Sie Ihren Anmeldenamen vergessen haben: Er lautet %(username)s.",
    "Deine E-Mail-Adresse steht immer noch aus und muss überprüft werden.": "Ihre E-Mail-Adresse ist noch nicht bestätigt.",
    'Bitte bestätige, dass <a href="mailto:%(email)s">%(email)s</a> eine E-Mail-Adresse von '
    "%(user_display)s ist.": 'Bitte bestätigen Sie, dass <a href="mailto:%(email)s">%(email)s</a> eine '
    "E-Mail-Adresse von %(user_display)s ist.",
    "Dieser Bestätigungslink ist leider abgelaufen. Lass Dir bitte eine neue <a "
    'href="%(email_url)s">Bestätigungs-Mail</a> schicken.': "Dieser Bestätigungslink ist abgelaufen oder ungültig. Bitte fordern Sie eine neue <a "
    'href="%(email_url)s">Bestätigungs-E-Mail</a> an.',
    "Du hast noch kein Konto bei uns? Dann %(link)serstelle%(end_link)s bitte zunächst eins.": "Sie haben noch kein Konto? Dann %(link)sregistrieren Sie sich%(end_link)s bitte "
    "zuerst.",
    "Bist du sicher, dass du dich abmelden möchtest?": "Möchten Sie sich wirklich abmelden?",
    "Du kannst deine primäre E-Mail-Adresse (%(email)s) nicht löschen.": "Sie können Ihre primäre E-Mail-Adresse (%(email)s) nicht löschen.",
    "Du hast die Adresse %(email)s bestätigt.": "Sie haben die Adresse %(email)s bestätigt.",
    "Du hast dich abgemeldet.": "Sie haben sich abgemeldet.",
    "Passwort vergessen? Gib deine E-Mail-Adresse unten ein, dann schicken wir dir einen Link, "
    "unter dem du dein Passwort zurücksetzen kannst.": "Passwort vergessen? Geben Sie unten Ihre E-Mail-Adresse ein. Wir schicken Ihnen dann "
    "einen Link, über den Sie Ihr Passwort zurücksetzen können.",
    "Wir haben Dir eine E-Mail geschickt. Wenn du die E-Mail nicht in deinem Posteingang "
    "siehst, überprüfe bitte deinen Spam-Ordner. Wenn die E-Mail ansonsten nicht in ein paar "
    "Minuten angekommen ist, gib uns bitte Bescheid.": "Wir haben Ihnen eine E-Mail geschickt. Wenn sie nicht in Ihrem Posteingang ist, sehen "
    "Sie bitte im Spam-Ordner nach. Kommt sie auch in einigen Minuten nicht an, geben Sie "
    "uns bitte Bescheid.",
    "Der Link zum Zurücksetzen des Passworts war ungültig, womöglich wurde dieser Link bereits "
    'benutzt. Bitte lass dein Passwort noch mal <a href="%(passwd_reset_url)s">'
    "zurücksetzen</a>.": "Der Link zum Zurücksetzen des Passworts ist ungültig, vielleicht wurde er schon "
    'benutzt. Bitte fordern Sie einen <a href="%(passwd_reset_url)s">neuen Link</a> an.',
    "Du hast bereits ein Konto bei uns? Dann bitte %(link)shier entlang%(end_link)s.": "Sie haben bereits ein Konto? Dann %(link)smelden Sie sich hier an%(end_link)s.",
    "Du bist bereits als %(user_display)s angemeldet.": "Sie sind bereits als %(user_display)s angemeldet.",
    "Du hast derzeit keine E-Mail-Adressen angegeben. Das solltest du allerdings tun, denn nur "
    "so können wir dich benachrichtigen und dein Passwort zurücksetzen.": "Sie haben derzeit keine E-Mail-Adresse angegeben. Ohne sie können wir Sie nicht "
    "benachrichtigen und Ihr Passwort nicht zurücksetzen.",
    "Bestätige deine E-Mail-Adresse": "Bestätigen Sie Ihre E-Mail-Adresse",
    "Wir haben dir eine E-Mail geschickt, um deine Adresse zu verifizieren. Bitte folge dem "
    "Link in der E-Mail um den Anmeldeprozess abzuschließen. Wenn du die E-Mail nicht in deinem "
    "Posteingang siehst, überprüfe bitte deinen Spam-Ordner. Wenn die E-Mail nicht in ein paar "
    "Minuten angekommen ist, gib uns bitte Bescheid.": "Wir haben Ihnen eine E-Mail geschickt, um Ihre Adresse zu bestätigen. Bitte folgen Sie "
    "dem Link darin, um die Registrierung abzuschließen. Wenn die E-Mail nicht in Ihrem "
    "Posteingang ist, sehen Sie bitte im Spam-Ordner nach. Kommt sie auch in einigen "
    "Minuten nicht an, geben Sie uns bitte Bescheid.",
    "Auf diesem Teil der Webseite möchten wie sichergehen,\ndass du die Person bist für die du "
    "dich ausgibst.\nDazu musst du deine E-Mail-Adresse verifizieren. ": "Für diesen Bereich müssen wir sicher sein,\ndass Sie die Person sind, für die Sie sich "
    "ausgeben.\nDazu bestätigen Sie bitte Ihre E-Mail-Adresse. ",
    "Wir haben Dir eine E-Mail geschickt, um deine\nAdresse zu verifizieren. Bitte klick auf den "
    "Link\nin der E-Mail. Wenn du die E-Mail nicht in deinem Posteingang siehst, überprüfe bitte "
    "deinen Spam-Ordner. Wenn die E-Mail ansonsten nicht in ein paar Minuten angekommen ist, gib "
    "uns bitte Bescheid.": "Wir haben Ihnen eine E-Mail geschickt, um Ihre\nAdresse zu bestätigen. Bitte klicken "
    "Sie auf den Link\nin der E-Mail. Wenn sie nicht in Ihrem Posteingang ist, sehen Sie "
    "bitte im Spam-Ordner nach. Kommt sie auch in einigen Minuten nicht an, geben Sie uns "
    "bitte Bescheid.",
    '<strong>Anmerkung:</strong> Du kannst <a href="%(email_url)s">Deine E-Mail-Adresse '
    "ändern</a>.": '<strong>Hinweis:</strong> Sie können <a href="%(email_url)s">Ihre E-Mail-Adresse '
    "ändern</a>.",
    "Du bist dabei, einen neuen Satz Wiederherstellungscodes für Ihr Konto zu generieren.": "Sie erzeugen gleich neue Wiederherstellungscodes für Ihr Konto.",
    "Du bist dabei, die Authentifizierung per Authenticator-App zu deaktivieren. Sind Sie "
    "sicher?": "Sie deaktivieren gleich die Anmeldung mit Authenticator-App. Sind Sie sicher?",
}


def _entries(text: str):
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith("#")]
        raw = "\n".join(lines)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', raw + "\n", re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', raw + "\n", re.M)
        if msgid and msgstr and "msgid_plural" not in raw and "msgctxt" not in raw:
            yield msgid.group(1).rstrip("\n"), _join(msgstr.group(1))


def _join(quoted: str) -> str:
    return (
        "".join(re.findall(r'"(.*)"', quoted))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def main() -> int:
    import allauth

    source = Path(allauth.__file__).parent / "locale/de/LC_MESSAGES/django.po"
    out = [
        '# allauth\'s German in the formal "Sie"; written by scripts/allauth_sie.py.',
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: netzwerkportal\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Language: de\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ]
    found, seen_ids = set(), set()
    for msgid, german in _entries(source.read_text()):
        # One German text may translate several msgids ("Your password has been changed." and
        # "Your password is now changed."): override each of them.
        if german in SIE and msgid not in seen_ids:
            found.add(german)
            seen_ids.add(msgid)
            out += [f"msgid {msgid}", f"msgstr {_quote(SIE[german])}", ""]
    missing = set(SIE) - found
    for text in sorted(missing):
        print(f"nicht mehr in allauth: {text[:70]}", file=sys.stderr)
    (ROOT / "locale/de/LC_MESSAGES/django.po").write_text("\n".join(out))
    print(f"{len(found)} Einträge geschrieben")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
