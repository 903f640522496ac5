"""A resident's browser over plain HTTP for the production smoke test and the reliability
tests: a cookie jar, redirects followed, forms read from the page and submitted with the values
a browser would send (the CSRF token included)."""

import http.cookiejar
import io
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser

PASSWORD = "demo-ebok-2026"  # noqa: S105 - the published demo password


class SmokeFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise SmokeFailure(message)


class FormParser(HTMLParser):
    """Every <form> with the values a browser would submit by default."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._start_form(a)
        elif tag == "option" and self._select:
            self._option(a)
        elif self._form is None or "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = [a["name"], None, None]
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def _start_form(self, a):
        self._form = {
            "action": a.get("action") or "",
            "method": a.get("method", "get"),
            "enctype": a.get("enctype", ""),
            "fields": [],
            "radios": {},
        }
        self.forms.append(self._form)

    def _option(self, a):
        """An option of the open <select>: the first one unless one is selected."""
        value = a.get("value", "")
        if self._select[1] is None:
            self._select[1] = value
        if "selected" in a:
            self._select[2] = value

    def _input(self, a):
        kind = a.get("type", "text").lower()
        if kind in {"checkbox", "radio"}:
            self._form["radios"].setdefault(a["name"], []).append(a.get("value", "on"))
            if "checked" in a:
                self._form["fields"].append([a["name"], a.get("value", "on")])
        elif kind not in {"submit", "button", "file", "image", "reset"}:
            self._form["fields"].append([a["name"], a.get("value", "")])

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            name, first, chosen = self._select
            self._form["fields"].append([name, chosen if chosen is not None else first])
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._form["fields"].append(self._textarea)
            self._textarea = None


class _TLSProxyCookies(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies go back to the server: the browser's side of the proxy is HTTPS."""

    def return_ok_secure(self, cookie, request):
        return True


class _ProxiedRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect to https://host/… is followed as the proxy would pass it on: over HTTP."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if newurl.startswith("https://"):
            newurl = "http://" + newurl.removeprefix("https://")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            for name, value in req.header_items():
                if name.lower().startswith("x-forwarded"):
                    new.add_header(name, value)
        return new


class Browser:
    """One resident's cookie jar over plain HTTP; follows redirects like a browser.

    `tls_proxy=True` stands for a browser on HTTPS behind a TLS-terminating proxy (as in
    production): each request says X-Forwarded-Proto: https and the client's address in
    X-Forwarded-For, and the Secure (__Host-) cookies are sent back."""

    def __init__(self, base, tls_proxy=False, client_ip="203.0.113.10"):
        self.base, self.tls_proxy, self.client_ip = base, tls_proxy, client_ip
        policy = _TLSProxyCookies() if tls_proxy else None
        self.jar = http.cookiejar.CookieJar(policy)
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if tls_proxy:
            handlers.append(_ProxiedRedirects())
        self.opener = urllib.request.build_opener(*handlers)
        self.url, self.status, self.body, self.headers = None, None, b"", {}

    def request(self, url, data=None, method=None):
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - ours
        if self.tls_proxy:
            request.add_header("X-Forwarded-Proto", "https")
            request.add_header("X-Forwarded-For", self.client_ip)
            if request.get_method() == "POST":  # what a browser says of a form on HTTPS
                origin = "https://" + urllib.parse.urlsplit(url).netloc
                request.add_header("Origin", origin)
                page = urllib.parse.urlsplit(self.url or url)
                request.add_header("Referer", f"{origin}{page.path}")
        return request

    def open(self, path, data=None, content_type=None):
        url = urllib.parse.urljoin(self.url or self.base, path)
        request = self.request(url, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=30) as response:
                self.url, self.status = response.url, response.status
                self.headers, self.body = response.headers, response.read()
        except urllib.error.HTTPError as error:
            self.url, self.status, self.headers = error.url, error.code, error.headers
            self.body = error.read()
            raise SmokeFailure(f"{error.code} from {url}: {self.text[:500]}") from None
        return self

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def path(self):
        return urllib.parse.urlsplit(self.url).path

    def forms(self):
        parser = FormParser()
        parser.feed(self.text)
        return parser.forms

    def form(self, action_pattern):
        for form in self.forms():
            action = urllib.parse.urljoin(self.url, form["action"])
            if re.search(action_pattern, urllib.parse.urlsplit(action).path):
                return form
        raise SmokeFailure(f"no form posting to {action_pattern!r} on {self.url}")

    def submit(self, form, values):
        """`values` override the form's; a file is (filename, bytes, content type)."""
        fields = [(n, v) for n, v in form["fields"] if n not in values]
        fields += [(n, v) for n, v in values.items() if v is not None]
        action = urllib.parse.urljoin(self.url, form["action"])
        if "multipart" in form["enctype"]:
            boundary = uuid.uuid4().hex
            buffer = io.BytesIO()
            for name, value in fields:
                if isinstance(value, tuple):
                    filename, content, content_type = value
                    buffer.write(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                    )
                    buffer.write(content + b"\r\n")
                    continue
                buffer.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                    f"\r\n\r\n{value}\r\n".encode()
                )
            buffer.write(f"--{boundary}--\r\n".encode())
            return self.open(action, buffer.getvalue(), f"multipart/form-data; boundary={boundary}")
        data = urllib.parse.urlencode(fields).encode()
        return self.open(action, data, "application/x-www-form-urlencoded")

    def set_cookie(self, name, value):
        """A cookie the server set elsewhere, e.g. a session made in a test's process."""
        host = urllib.parse.urlsplit(self.base).hostname
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None,
                False, None, None, {},
            )
        )

    def login(self, username, password=PASSWORD):
        self.open("/auth/login/")
        self.submit(self.form(r"^/auth/login/$"), {"login": username, "password": password})
        check(not self.path.startswith("/auth/login"), f"{username} could not log in")
        return self
