"""The everyday jobs, through the reverse proxy, against a running compose installation.

Called by scripts/compose_check.sh; Python's standard library only, so it runs with the host's
python3 and needs nothing installed. Prints one line per step with its time and exits non-zero
at the first step that fails.

    python3 scripts/compose_ablauf.py https://localhost:18443 --cafile var/tls/fullchain.pem
"""

import argparse
import base64
import hashlib
import hmac
import http.cookiejar
import re
import ssl
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

# The demo's accounts and second factor (netzwerk/demo.py).
DEMO_PASSWORD = "Demo-Netzwerk-2026"
DEMO_TOTP_SECRET = "NETZWERKDEMOKOORDINATIONZWEISECH"


class Fehler(Exception):
    pass


class Formulare(HTMLParser):
    """Every <form> of a page with the values a browser would send unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": a.get("method", "get"),
                               "fields": [], "selects": {}, "options": {}})  # fmt: skip
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form["fields"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            form["selects"][name] = None
            form["options"][name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form["options"][self._select].append(value)
            if "selected" in a or form["selects"][self._select] is None:
                form["selects"][self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"].append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            fields = self.forms[-1]["fields"]
            fields[-1] = (fields[-1][0], fields[-1][1] + data)


class Browser:
    def __init__(self, base: str, cafile: str | None):
        self.base = base.rstrip("/")
        context = ssl.create_default_context(cafile=cafile) if cafile else None
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.cookies),
        )
        self.url = ""

    def request(self, path: str, data: list | None = None, referer: str | None = None):
        url = path if path.startswith("http") else self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": referer or url, "User-Agent": "compose-check"}
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                self.url = response.geturl()
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            self.url = error.geturl()
            return error.code, error.read()

    def get(self, path: str) -> str:
        status, body = self.request(path)
        if status != 200:
            raise Fehler(f"GET {path}: {status}")
        return body.decode()

    def submit(self, path: str, choose=lambda form: True, **values) -> str:
        """Fill the first form on `path` that `choose` accepts, as a browser would send it."""
        page = self.get(path)
        parser = Formulare()
        parser.feed(page)
        forms = [f for f in parser.forms if f["method"].lower() == "post" and choose(f)]
        if not forms:
            raise Fehler(f"kein passendes Formular auf {path}")
        form = forms[0]
        fields = [(k, v) for k, v in form["fields"] if k not in values]
        fields += [(k, v) for k, v in form["selects"].items() if k not in values and v]
        for key, value in values.items():
            if callable(value):  # chosen from the form's options
                value = value(form["options"].get(key, []))
            fields += [(key, v) for v in (value if isinstance(value, list) else [value])]
        action = urllib.parse.urljoin(self.url, form["action"] or self.url)
        status, body = self.request(action, fields, referer=self.url)
        if status != 200:
            raise Fehler(f"POST {action}: {status}")
        return body.decode()

    def login(self, email: str, totp_secret: str | None = None) -> None:
        self.submit("/konto/login/", login=email, password=DEMO_PASSWORD)
        if totp_secret and "/2fa/" in self.url:
            self.submit(self.url, code=totp(totp_secret))
        if "/konto/login" in self.url or "/2fa/" in self.url:
            raise Fehler(f"Anmeldung als {email} misslungen ({self.url})")

    def logout(self) -> None:
        self.submit("/konto/logout/")
        self.cookies.clear()


def totp(secret: str, now: float | None = None) -> str:
    """RFC 6238, six digits, 30 seconds: what an authenticator app shows."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int(now or time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


def schritt(name: str, function):
    start = time.monotonic()
    try:
        detail = function()
    except Exception as error:  # noqa: BLE001 - the check reports any failure as FEHLER
        print(f"FEHLER {name} ({time.monotonic() - start:.2f} s): {error}", flush=True)
        sys.exit(1)
    print(f"OK     {name} ({time.monotonic() - start:.2f} s){': ' + detail if detail else ''}",
          flush=True)  # fmt: skip
    return detail


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--cafile")
    parser.add_argument("--einladungen", type=int, default=50)
    parser.add_argument("--smtp-zaehlen", help="command printing how many mails the sink holds")
    args = parser.parse_args()
    browser = Browser(args.base, args.cafile)
    state: dict = {}

    def partner_login():
        browser.login("partner@demo.example")
        return "partner@demo.example"

    def anmelden():
        liste = browser.get("/konferenzen/")
        for pk in dict.fromkeys(re.findall(r'href="/konferenzen/(\d+)/"', liste)):
            page = browser.get(f"/konferenzen/{pk}/")
            if "Verbindlich anmelden" not in page:
                continue
            page = browser.submit(f"/konferenzen/{pk}/", lambda f: not f["action"])
            if "Sie sind angemeldet" in page:
                state["veranstaltung"] = pk
                return f"Veranstaltung {pk}"
        raise Fehler("keine Veranstaltung mit offener Anmeldung gefunden")

    def koordination_login():
        browser.logout()
        browser.login("koordination@demo.example", DEMO_TOTP_SECRET)
        return "mit Zwei-Faktor-Code"

    def bericht_anfordern():
        browser.submit("/berichte/", lambda f: not f["action"],
                              gremium=lambda options: next(o for o in options if o))  # fmt: skip
        match = re.search(r"/berichte/(\d+)/", browser.url)
        if not match:
            raise Fehler(f"kein neuer Bericht ({browser.url})")
        state["bericht"] = match.group(1)
        return f"Nr. {match.group(1)} angelegt"

    def bericht_pdf():
        nummer = state["bericht"]
        deadline = time.monotonic() + 120
        while f"/berichte/{nummer}/pdf/" not in browser.get(f"/berichte/{nummer}/"):
            if time.monotonic() > deadline:
                raise Fehler("der Worker hat den Bericht nicht in 120 s erstellt")
            time.sleep(0.5)
        status, body = browser.request(f"/berichte/{nummer}/pdf/")
        if status != 200 or not body.startswith(b"%PDF"):
            raise Fehler(f"PDF: {status}, {body[:20]!r}")
        return f"{len(body):,} Bytes".replace(",", ".")

    def einladen():
        pk = state["veranstaltung"]
        gaeste = "\n".join(f"Gast {n} <gast-{n}@beispiel.example>" for n in range(args.einladungen))
        page = browser.submit(f"/konferenzen/{pk}/einladungen/", lambda f: not f["action"],
                              quelle="liste", liste=gaeste, aktion="senden")  # fmt: skip
        if "Einladungen werden versandt" not in page:
            raise Fehler("der Versand wurde nicht angenommen")
        return f"{args.einladungen} Einladungen angenommen"

    def zugestellt():
        if not args.smtp_zaehlen:
            return "nicht gezählt"
        deadline = time.monotonic() + 180
        while True:
            out = subprocess.run(args.smtp_zaehlen, shell=True, capture_output=True, text=True)
            count = int(out.stdout.strip() or 0)
            if count >= args.einladungen:
                return f"{count} Mails beim SMTP-Empfänger"
            if time.monotonic() > deadline:
                raise Fehler(f"nach 180 s erst {count} von {args.einladungen} Mails angekommen")
            time.sleep(1)

    schritt("Anmeldung als Partner über den Proxy", partner_login)
    schritt("Anmeldung zu einer Veranstaltung", anmelden)
    schritt("Anmeldung als Koordination", koordination_login)
    schritt("Sachstandsbericht angefordert", bericht_anfordern)
    schritt("Sachstandsbericht als PDF geladen", bericht_pdf)
    schritt("Einladungen verschickt", einladen)
    schritt("Einladungen zugestellt", zugestellt)


if __name__ == "__main__":
    main()
