"""The security part of the production smoke test, run against its DEBUG=false gunicorn as a
browser behind the TLS proxy sees it: security headers, cookie names and flags, 405 for other
methods, and the login paths of staff (two-factor set-up, then the code at every login)."""

import base64
import hashlib
import hmac
import re
import struct
import time
import urllib.error
import urllib.parse
import urllib.request

from http_browser import PASSWORD, Browser, SmokeFailure, check

EXPECTED_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
SHOWN_KEY_AFTER = r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"'
SHOWN_KEY_BEFORE = r'value="([A-Z2-7]{16,})"[^>]*id="authenticator_secret"'
CSP_PARTS = ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src")


def totp(secret, at=None):
    """RFC 6238: six digits from the base32 secret for the 30-second step of `at`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at or time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def set_cookies(headers):
    """{name: the whole Set-Cookie line} of one response."""
    return {line.split("=", 1)[0]: line for line in headers.get_all("Set-Cookie") or []}


def cookie_flags(line):
    return {part.strip().split("=", 1)[0].lower() for part in line.split(";")[1:]}


def check_cookie(line, name, *, http_only):
    flags = cookie_flags(line)
    check("secure" in flags, f"{name} is not Secure: {line}")
    check("path=/" in line.lower().replace(" ", ""), f"{name} is not for Path=/: {line}")
    check("domain" not in flags, f"{name} names a Domain (not allowed for __Host-): {line}")
    check("samesite=lax" in line.lower().replace(" ", ""), f"{name} is not SameSite=Lax: {line}")
    check(("httponly" in flags) == http_only, f"{name} HttpOnly should be {http_only}: {line}")


def check_headers(browser, what):
    for name, value in EXPECTED_HEADERS.items():
        got = browser.headers.get(name)
        check(got == value, f"{what}: {name} is {got!r}, expected {value!r}")
    csp = browser.headers.get("Content-Security-Policy") or ""
    for part in CSP_PARTS:
        check(part in csp, f"{what}: the CSP lacks {part!r}: {csp!r}")
    check(browser.headers.get("Permissions-Policy"), f"{what}: no Permissions-Policy")


def status_of(browser, path, method):
    request = browser.request(urllib.parse.urljoin(browser.base, path), method=method)
    try:
        with browser.opener.open(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def headers_and_cookies(base, step):
    step("security: headers and __Host- cookies of the login page and a resident's page")
    visitor = Browser(base, tls_proxy=True).open("/auth/login/")
    check_headers(visitor, "login page")
    cookies = set_cookies(visitor.headers)
    check("__Host-csrftoken" in cookies, f"no __Host-csrftoken cookie: {sorted(cookies)}")
    check_cookie(cookies["__Host-csrftoken"], "__Host-csrftoken", http_only=False)

    resident = Browser(base, tls_proxy=True)
    resident.open("/auth/login/")
    form = resident.form(r"^/auth/login/$")
    fields = [(n, v) for n, v in form["fields"] if n not in ("login", "password")]
    data = urllib.parse.urlencode([*fields, ("login", "najemca"), ("password", PASSWORD)])
    request = resident.request(f"{base}/auth/login/", data=data.encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    # Not followed: the Set-Cookie of the login answer itself is what is checked.
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(resident.jar), NoRedirects()
    )
    try:
        opener.open(request, timeout=30)
        raise SmokeFailure("the login answered without a redirect")
    except urllib.error.HTTPError as answer:
        check(answer.code == 302, f"login answered {answer.code}")
        cookies = set_cookies(answer.headers)
    check("__Host-sessionid" in cookies, f"no __Host-sessionid after login: {sorted(cookies)}")
    check_cookie(cookies["__Host-sessionid"], "__Host-sessionid", http_only=True)
    flags = cookie_flags(cookies["__Host-sessionid"])
    check(not flags & {"expires", "max-age"}, "the session cookie outlives the browser")
    check("sessionid" not in cookies, "a plain sessionid cookie is set too")
    resident.open("/")
    check(resident.path == "/", f"the resident did not reach the dashboard ({resident.path})")
    check_headers(resident, "dashboard")
    check(
        resident.headers.get("Cache-Control") == "no-store",
        f"a page with personal data may be cached: {resident.headers.get('Cache-Control')!r}",
    )
    return resident


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def other_methods(resident, step):
    step("security: PUT, DELETE, PATCH, TRACE answer 405")
    for path in ("/", "/auth/login/", "/profil/"):
        for method in ("PUT", "DELETE", "PATCH", "TRACE"):
            code, headers = status_of(resident, path, method)
            check(code == 405, f"{method} {path} answered {code}, not 405")
            allowed = set((headers.get("Allow") or "").replace(" ", "").split(","))
            check(allowed == {"GET", "HEAD", "POST"}, f"{method} {path}: Allow is {allowed}")


def staff_two_factor(base, step):
    step("security: staff bok logs in, must set up an authenticator before the admin opens")
    clerk = Browser(base, tls_proxy=True, client_ip="203.0.113.20").login("bok")
    clerk.open("/admin/")
    if clerk.path.startswith("/auth/reauthenticate"):
        clerk.submit(clerk.form(r"^/auth/reauthenticate/"), {"password": PASSWORD})
    check(clerk.path.startswith("/auth/2fa/totp/activate"), f"admin opened at {clerk.path}")
    match = re.search(SHOWN_KEY_AFTER, clerk.text) or re.search(SHOWN_KEY_BEFORE, clerk.text)
    check(match, "the set-up page shows no secret")
    secret = match.group(1)
    clerk.submit(clerk.form(r"^/auth/2fa/totp/activate/"), {"code": totp(secret)})
    clerk.open("/admin/")
    check(clerk.path == "/admin/", f"after setting up the app the admin did not open: {clerk.path}")

    step("security: the next login asks for the code; the password alone opens nothing")
    again = Browser(base, tls_proxy=True, client_ip="203.0.113.21").login("bok")
    check(again.path.startswith("/auth/2fa/authenticate"), f"no code asked, at {again.path}")
    again.open("/admin/")
    check(not again.path.startswith("/admin/"), "the admin opened with the password alone")
    again.open("/auth/2fa/authenticate/")
    # The code of the next step: the one just used for the set-up works only once.
    again.submit(
        again.form(r"^/auth/2fa/authenticate/"), {"code": totp(secret, time.time() + 30)}
    )
    again.open("/admin/")
    check(again.path == "/admin/", f"the admin did not open after the code: {again.path}")


def run(base, step):
    resident = headers_and_cookies(base, step)
    other_methods(resident, step)
    staff_two_factor(base, step)
