"""A local stand-in for KSeF 2.0: a real HTTP server speaking the Ministry's API.

Every request is checked against the vendored open-api.json (`tests/ksef/open-api.json`, MIT,
see LICENSE-KSeF.txt) with openapi-core; one that does not match is answered 400 and recorded
in `peer.errors`, and so is every answer of the peer's own that does not match the spec. A test
that ends with `assert peer.errors == []` has shown that both sides spoke the official API.

    with Peer(nip="5480000001", token="TESTTOKEN") as peer:
        client = KsefClient(api_url=peer.url, nip="5480000001", token="TESTTOKEN")
        ...
        assert peer.errors == []

Contexts: the token `token` opens the context `nip`; `grants` maps further context NIPs to
their tokens (a community that let the manager issue its invoices in KSeF). A session belongs
to the context its token opened, and an invoice whose seller (Podmiot1) is another NIP is
refused there with 410, as KSeF does; `contexts` records each invoice's context.

Knobs: `outage` (True: 503 to everything; "reset": the connection is dropped unanswered),
`delay` (seconds before any answer), `reject_next` ((code, description) for the next invoice),
`rate_limited` (429 with Retry-After), `auth_pending_polls` / `processing_polls` (how many
status checks answer "in progress" first), `access_token_ttl` (seconds).

As its own process, for a Celery worker elsewhere:

    python -m tests.ksef.peer --port 8765 --nip 5480000001 --token TESTTOKEN

prints "ready" once listening; GET /_peer/state returns errors, requests and invoices (base64)
as JSON and POST /_peer/config sets the knobs (neither is part of the KSeF API).
"""

import argparse
import base64
import functools
import json
import re
import secrets
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from lxml import etree
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from billing.ksef import crypto
from billing.ksef.client import crc8

SPEC_PATH = Path(__file__).with_name("open-api.json")
# The spec's only server is https://api-test.ksef.mf.gov.pl/v2: requests are validated as if
# they had been sent there, so the peer serves the same base path.
SPEC_HOST = "https://api-test.ksef.mf.gov.pl"
BASE_PATH = "/v2"

FA3 = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}
ACCESS_TOKEN_TTL = 15 * 60
REFRESH_TOKEN_TTL = 7 * 24 * 3600
SESSION_TTL = 12 * 3600

AUTH_STATUS = {
    100: "Uwierzytelnianie w toku",
    200: "Uwierzytelnianie zakończone sukcesem",
    415: "Uwierzytelnianie zakończone niepowodzeniem",
    450: "Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu",
}
INVOICE_STATUS = {
    100: "Faktura przyjęta do dalszego przetwarzania",
    150: "Trwa przetwarzanie",
    200: "Sukces",
    405: "Przetwarzanie anulowane z powodu błędu sesji",
    410: "Nieprawidłowy zakres uprawnień",
    415: "Brak możliwości wysyłania faktury z załącznikiem",
    430: "Błąd weryfikacji pliku faktury",
    435: "Błąd odszyfrowania pliku",
    440: "Duplikat faktury",
    450: "Błąd weryfikacji semantyki dokumentu faktury",
    500: "Nieznany błąd (500)",
    550: "Operacja została anulowana przez system",
}
VALIDATION_ERROR = (21405, "Błąd walidacji danych wejściowych.")


def _xml_as_text(value: bytes, **parameters: str) -> str:
    # openapi-core parses application/xml into an Element, which the spec's `type: string`
    # (the UPO) then refuses; the document itself is checked against the UPO XSD in the tests.
    return value.decode(parameters.get("charset", "utf-8"))


def _json_loads(value: bytes, **parameters: str) -> Any:
    return json.loads(value)


@functools.cache
def openapi() -> OpenAPI:
    """The parsed spec, once per process (parsing and checking it takes about half a second)."""
    config = Config(
        extra_media_type_deserializers={
            "application/xml": _xml_as_text,
            "application/problem+json": _json_loads,
        }
    )
    return OpenAPI.from_dict(json.loads(SPEC_PATH.read_text(encoding="utf-8")), config=config)


@dataclass(frozen=True)
class _KeyPair:
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    usage: str

    @property
    def public_key_id(self) -> str:
        return crypto.public_key_id(self.private_key.public_key())

    def to_json(self) -> dict:
        return {
            "certificate": crypto.b64encode(self.certificate.public_bytes(Encoding.DER)),
            "certificateId": crypto.certificate_id(self.certificate),
            "publicKeyId": self.public_key_id,
            "validFrom": _iso(self.certificate.not_valid_before_utc),
            "validTo": _iso(self.certificate.not_valid_after_utc),
            "usage": [self.usage],
        }


@functools.cache
def _key_pairs() -> dict[str, _KeyPair]:
    """One RSA-2048 key and self-signed certificate per usage, made once per process."""
    pairs = {}
    now = datetime.now(UTC)
    for usage in (crypto.KSEF_TOKEN_ENCRYPTION, crypto.SYMMETRIC_KEY_ENCRYPTION):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
                x509.NameAttribute(NameOID.COMMON_NAME, f"Ministerstwo Finansów test {usage}"),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=730))
            .sign(key, hashes.SHA256())
        )
        pairs[usage] = _KeyPair(private_key=key, certificate=certificate, usage=usage)
    return pairs


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def reference_number(kind: str, when: datetime | None = None) -> str:
    """`YYYYMMDD-KK-XXXXXXXXXX-XXXXXXXXXX-CC` like the spec's examples, CC being the same
    CRC-8 as in KSeF numbers (it matches every example reference in the docs)."""
    when = when or _now()
    body = f"{when:%Y%m%d}-{kind}-{secrets.token_hex(5).upper()}-{secrets.token_hex(5).upper()}"
    return f"{body}-{crc8(body.encode('ascii')):02X}"


def ksef_number(nip: str, when: datetime) -> str:
    """`NIP-YYYYMMDD-XXXXXXXXXXXX-CC` (faktury/numer-ksef.md)."""
    body = f"{nip}-{when:%Y%m%d}-{secrets.token_hex(6).upper()}"
    return f"{body}-{crc8(body.encode('ascii')):02X}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt_like(kind: str, ttl: int) -> str:
    header = _b64url(b'{"alg":"none","typ":"JWT"}')
    claims = {"token-type": kind, "exp": int(time.time()) + ttl, "jti": secrets.token_hex(8)}
    payload = _b64url(json.dumps(claims).encode())
    return f"{header}.{payload}.{_b64url(secrets.token_bytes(24))}"


@dataclass
class _AuthOperation:
    reference: str
    token: str  # the authenticationToken
    started: datetime
    code: int
    details: list[str]
    pending_polls: int
    redeemed: bool = False
    context: str = ""  # the NIP whose context the token opened


@dataclass
class _Session:
    reference: str
    key: bytes | None
    iv: bytes | None
    valid_until: datetime
    context: str = ""
    closed: bool = False
    invoices: list[str] = field(default_factory=list)


@dataclass
class _Invoice:
    reference: str
    session: str
    ordinal: int
    invoice_hash: str
    received: datetime
    offline: bool
    code: int
    details: list[str] = field(default_factory=list)
    extensions: dict[str, str] = field(default_factory=dict)
    ksef_number: str | None = None
    acquired: datetime | None = None
    description: str | None = None  # instead of the code's standard one
    number: str | None = None  # P_2 of the invoice, when it has one
    kind: str | None = None  # RodzajFaktury
    issued: str | None = None  # P_1
    seller: str | None = None  # Podmiot1's NIP
    context: str = ""
    processing_polls: int = 0


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    validate: bool = True  # against the spec's responses


class Refusal(Exception):
    """An error answer out of a route handler."""

    def __init__(self, answer: _Answer):
        self.answer = answer


class _InvoiceRejected(Exception):
    """An invoice KSeF refuses after accepting the file: its status code and the detail."""

    def __init__(self, code: int, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def _field(xml_root: Any, name: str) -> str | None:
    found = xml_root.xpath(f"//*[local-name()='{name}']") if xml_root is not None else []
    text = found[0].text if found else None
    return text.strip() if text and text.strip() else None


class Peer:
    def __init__(
        self,
        *,
        nip: str = "5480000001",
        token: str = "TESTTOKEN",
        grants: dict[str, str] | None = None,
        validate_invoice: Callable[[bytes], str | None] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.nip = nip
        self.token = token
        self.grants = dict(grants or {})
        self.validate_invoice = validate_invoice
        self.host = host
        self.port = port
        # What a test looks at.
        self.errors: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.invoices: dict[str, bytes] = {}
        self.contexts: dict[str, str] = {}  # invoice reference -> the context NIP it came in
        # Knobs.
        self.outage: bool | str = False
        self.delay: float = 0
        self.reject_next: tuple[int, str] | None = None
        self.rate_limited = False
        self.auth_pending_polls = 0
        self.processing_polls = 0
        self.access_token_ttl = ACCESS_TOKEN_TTL
        # State.
        self._lock = threading.RLock()
        self._keys = _key_pairs()
        self._token_reference = reference_number("EC")
        self._challenges: dict[str, int] = {}
        self._auth: dict[str, _AuthOperation] = {}
        self._access_tokens: dict[str, datetime] = {}
        self._refresh_tokens: dict[str, datetime] = {}
        self._token_contexts: dict[str, str] = {}  # access or refresh token -> context NIP
        self._sessions: dict[str, _Session] = {}
        self._invoices: dict[str, _Invoice] = {}
        self._upo_links: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        routes: list[tuple[str, str, str | None, Callable[..., _Answer]]] = [
            ("GET", "/security/public-key-certificates", None, self._certificates),
            ("POST", "/auth/challenge", None, self._challenge),
            ("POST", "/auth/ksef-token", None, self._ksef_token),
            ("POST", "/auth/token/redeem", "operation", self._redeem),
            ("POST", "/auth/token/refresh", "refresh", self._refresh),
            ("GET", "/auth/(?P<ref>[^/]+)", "operation", self._auth_status),
            ("POST", "/sessions/online", "access", self._open_session),
            ("POST", "/sessions/online/(?P<ref>[^/]+)/invoices", "access", self._send_invoice),
            ("POST", "/sessions/online/(?P<ref>[^/]+)/close", "access", self._close_session),
            (
                "GET",
                "/sessions/(?P<ref>[^/]+)/invoices/ksef/(?P<ksef>[^/]+)/upo",
                "access",
                self._upo,
            ),
            ("GET", "/sessions/(?P<ref>[^/]+)/invoices/(?P<inv>[^/]+)", "access", self._status),
        ]
        self._routes = [
            (method, re.compile(pattern), auth, handler)
            for method, pattern, auth, handler in routes
        ]

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The API base, what KsefClient takes as api_url."""
        return self.root_url + BASE_PATH

    def start(self) -> "Peer":
        openapi()  # parse the spec before the first request, not during it
        peer = self

        class Handler(_Handler):
            pass

        Handler.peer = peer
        self._server = _Server((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(0.05,),
            name=f"ksef-peer-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "Peer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- one request -----------------------------------------------------------------------

    def handle(self, handler: "_Handler") -> None:
        split = urlsplit(handler.path)
        path = split.path
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""

        if path.startswith("/_peer/"):
            return self._control(handler, path, body)
        if path.startswith("/upo/"):
            return self._upo_download(handler, path)

        with self._lock:
            self.requests.append((handler.command, path))
        if self.outage == "reset":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return None
        if self.outage:
            return _write(handler, _Answer(503, b"Service Unavailable", "text/plain"))
        if self.delay:
            time.sleep(self.delay)
        if self.rate_limited:
            return self._answer(handler, path, body, self._too_many_requests())

        request = MockRequest(
            SPEC_HOST,
            handler.command,
            path,
            args={key: values[0] for key, values in parse_qs(split.query).items()},
            headers=dict(handler.headers.items()),
            data=body,
            content_type=handler.headers.get("Content-Type", ""),
        )
        result = openapi().unmarshal_request(request)
        if result.errors:
            problems = [_describe(error) for error in result.errors]
            with self._lock:
                self.errors.extend(
                    f"request {handler.command} {path}: {problem}" for problem in problems
                )
            answer = self._refusal(400, *VALIDATION_ERROR, problems, handler)
            return self._answer(handler, path, body, answer, request)

        try:
            with self._lock:
                answer = self._route(handler, path, result.body)
        except Refusal as refusal:
            answer = refusal.answer
        except Exception as exc:  # noqa: BLE001 - a bug of the peer's fails the test, not hangs it
            with self._lock:
                self.errors.append(f"peer crashed on {handler.command} {path}: {exc!r}")
            answer = _Answer(500, b"peer error", "text/plain", validate=False)
        return self._answer(handler, path, body, answer, request)

    def _answer(
        self,
        handler: "_Handler",
        path: str,
        body: bytes,
        answer: _Answer,
        request: MockRequest | None = None,
    ) -> None:
        if answer.validate and request is not None:
            response = MockResponse(
                answer.body,
                status_code=answer.status,
                headers=answer.headers,
                content_type=answer.content_type,
            )
            result = openapi().unmarshal_response(request, response)
            if result.errors:
                with self._lock:
                    self.errors.extend(
                        f"response {answer.status} to {handler.command} {path}: {_describe(e)}"
                        for e in result.errors
                    )
        _write(handler, answer)

    def _route(self, handler: "_Handler", path: str, body: Any) -> _Answer:
        if not path.startswith(BASE_PATH + "/"):
            raise Refusal(self._refusal(400, *VALIDATION_ERROR, ["Unknown path."], handler))
        api_path = path[len(BASE_PATH) :]
        for method, pattern, auth, route in self._routes:
            match = pattern.fullmatch(api_path)
            if method == handler.command and match:
                bearer = _bearer(handler)
                if auth is not None:
                    self._authorize(auth, bearer, handler)
                return route(handler=handler, body=body, bearer=bearer, **match.groupdict())
        self.errors.append(f"not implemented by the peer: {handler.command} {path}")
        raise Refusal(
            self._refusal(400, *VALIDATION_ERROR, ["Not implemented by the test peer."], handler)
        )

    def _authorize(self, kind: str, bearer: str | None, handler: "_Handler") -> None:
        now = _now()
        if kind == "operation":
            valid = any(op.token == bearer for op in self._auth.values())
        elif kind == "refresh":
            valid = bearer is not None and self._refresh_tokens.get(bearer, now) > now
        else:
            valid = bearer is not None and self._access_tokens.get(bearer, now) > now
        if not valid:
            raise Refusal(self._unauthorized(handler))

    # --- error bodies ----------------------------------------------------------------------

    def _refusal(
        self, status: int, code: int, description: str, details: list[str], handler: "_Handler"
    ) -> _Answer:
        """ExceptionResponse, or Problem Details when asked with X-Error-Format."""
        if handler.headers.get("X-Error-Format", "").lower() == "problem-details":
            problem = {
                "title": "Bad Request",
                "status": status,
                "instance": handler.path,
                "detail": "Żądanie jest nieprawidłowe.",
                "errors": [{"code": code, "description": description, "details": details}],
                "timestamp": _iso(_now()),
                "traceId": secrets.token_hex(16),
            }
            return _Answer(status, _json(problem), "application/problem+json")
        exception = {
            "exceptionDetailList": [
                {"exceptionCode": code, "exceptionDescription": description, "details": details}
            ],
            "referenceNumber": str(uuid.uuid4()),
            "serviceCode": secrets.token_hex(16),
            "serviceCtx": "srvPEER",
            "serviceName": "ksef-test-peer",
            "timestamp": _iso(_now()),
        }
        return _Answer(status, _json({"exception": exception}))

    def _unauthorized(self, handler: "_Handler") -> _Answer:
        problem = {
            "title": "Unauthorized",
            "status": 401,
            "detail": "Wymagane jest uwierzytelnienie.",
            "instance": handler.path,
            "traceId": secrets.token_hex(16),
            "timestamp": _iso(_now()),
        }
        return _Answer(401, _json(problem), "application/problem+json")

    def _too_many_requests(self) -> _Answer:
        body = {
            "status": {
                "code": 429,
                "description": "Too Many Requests",
                "details": ["Przekroczono limit żądań. Spróbuj ponownie po 1 sekundzie."],
            }
        }
        return _Answer(429, _json(body), headers={"Retry-After": "1"})

    # --- authentication --------------------------------------------------------------------

    def _certificates(self, **_: Any) -> _Answer:
        return _Answer(200, _json([pair.to_json() for pair in self._keys.values()]))

    def _challenge(self, handler: "_Handler", **_: Any) -> _Answer:
        now = _now()
        challenge = reference_number("CR", now)
        stamp = int(now.timestamp() * 1000)
        self._challenges[challenge] = stamp
        body = {
            "challenge": challenge,
            "timestamp": _iso(now),
            "timestampMs": stamp,
            "clientIp": handler.client_address[0],
        }
        return _Answer(200, _json(body))

    def _ksef_token(self, handler: "_Handler", body: dict, **_: Any) -> _Answer:
        stamp = self._challenges.pop(body["challenge"], None)
        if stamp is None:
            raise Refusal(
                self._refusal(400, 21111, "Nieprawidłowe wyzwanie autoryzacyjne.", [], handler)
            )
        pair = self._keys[crypto.KSEF_TOKEN_ENCRYPTION]
        self._check_key_id(body.get("publicKeyId"), pair, handler)
        context = body["contextIdentifier"]
        code, details = 200, []
        try:
            token, token_stamp = crypto.decrypt_ksef_token(pair.private_key, body["encryptedToken"])
        except crypto.CryptoError:
            code, details = 450, ["Nieprawidłowy token"]
        else:
            tokens = {self.nip: self.token, **self.grants}
            if not any(secrets.compare_digest(token.encode(), t.encode()) for t in tokens.values()):
                code, details = 450, ["Nieprawidłowy token"]
            elif token_stamp != stamp:
                code, details = 450, ["Nieprawidłowy czas tokena"]
            elif context["type"] != "Nip" or not secrets.compare_digest(
                token.encode(), tokens.get(context["value"], "").encode()
            ):
                code, details = 415, ["Brak przypisanych uprawnień"]
        now = _now()
        operation = _AuthOperation(
            reference=reference_number("AU", now),
            token=_jwt_like("OperationToken", 3600),
            started=now,
            code=code,
            details=details,
            pending_polls=self.auth_pending_polls,
            context=context["value"],
        )
        self._auth[operation.reference] = operation
        answer = {
            "referenceNumber": operation.reference,
            "authenticationToken": {
                "token": operation.token,
                "validUntil": _iso(now + timedelta(hours=1)),
            },
        }
        return _Answer(202, _json(answer))

    def _auth_status(self, handler: "_Handler", ref: str, bearer: str, **_: Any) -> _Answer:
        operation = self._auth.get(ref)
        if operation is None:
            raise Refusal(
                self._refusal(
                    400,
                    21304,
                    "Brak uwierzytelnienia.",
                    [
                        f"Operacja uwierzytelniania o numerze referencyjnym {ref} nie została "
                        "znaleziona."
                    ],
                    handler,
                )
            )
        if operation.token != bearer:
            raise Refusal(self._unauthorized(handler))
        code = operation.code
        if operation.pending_polls > 0:
            operation.pending_polls -= 1
            code = 100
        status: dict[str, Any] = {"code": code, "description": AUTH_STATUS[code]}
        if code != 100 and operation.details:
            status["details"] = operation.details
        body = {
            "startDate": _iso(operation.started),
            "authenticationMethod": "Token",
            "authenticationMethodInfo": {
                "category": "Token",
                "code": "token.ksef",
                "displayName": "Token KSeF",
            },
            "status": status,
            "isTokenRedeemed": operation.redeemed,
        }
        return _Answer(200, _json(body))

    def _redeem(self, handler: "_Handler", bearer: str, **_: Any) -> _Answer:
        operation = next(op for op in self._auth.values() if op.token == bearer)
        if operation.code != 200 or operation.pending_polls > 0:
            code = 100 if operation.pending_polls > 0 else operation.code
            details = [f"Status uwierzytelniania ({code}) nie pozwala na pobranie tokenów."]
        elif operation.redeemed:
            details = [
                f"Tokeny dla operacji uwierzytelniania {operation.reference} zostały już pobrane."
            ]
        else:
            operation.redeemed = True
            now = _now()
            access = self._issue_access(now, operation.context)
            refresh = _jwt_like("RefreshToken", REFRESH_TOKEN_TTL)
            self._refresh_tokens[refresh] = now + timedelta(seconds=REFRESH_TOKEN_TTL)
            self._token_contexts[refresh] = operation.context
            body = {
                "accessToken": access,
                "refreshToken": {
                    "token": refresh,
                    "validUntil": _iso(self._refresh_tokens[refresh]),
                },
            }
            return _Answer(200, _json(body))
        raise Refusal(self._refusal(400, 21301, "Brak autoryzacji.", details, handler))

    def _refresh(self, bearer: str, **_: Any) -> _Answer:
        context = self._token_contexts.get(bearer, self.nip)
        return _Answer(200, _json({"accessToken": self._issue_access(_now(), context)}))

    def _issue_access(self, now: datetime, context: str) -> dict:
        token = _jwt_like("ContextToken", self.access_token_ttl)
        self._access_tokens[token] = now + timedelta(seconds=self.access_token_ttl)
        self._token_contexts[token] = context
        return {"token": token, "validUntil": _iso(self._access_tokens[token])}

    def _check_key_id(self, key_id: str | None, pair: _KeyPair, handler: "_Handler") -> None:
        if key_id is not None and key_id != pair.public_key_id:
            raise Refusal(
                self._refusal(
                    400,
                    21470,
                    "Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.",
                    [f"Klucz o identyfikatorze {key_id} nie jest wspierany."],
                    handler,
                )
            )

    # --- sessions and invoices ---------------------------------------------------------------

    def _open_session(self, handler: "_Handler", body: dict, bearer: str, **_: Any) -> _Answer:
        form = body["formCode"]
        if {key: form[key] for key in FA3} != FA3:
            raise Refusal(
                self._refusal(
                    400, *VALIDATION_ERROR, ["Wskazany kod formularza nie jest wspierany."], handler
                )
            )
        encryption = body["encryption"]
        pair = self._keys[crypto.SYMMETRIC_KEY_ENCRYPTION]
        self._check_key_id(encryption.get("publicKeyId"), pair, handler)
        try:
            key = crypto.decrypt_symmetric_key(
                pair.private_key, encryption["encryptedSymmetricKey"]
            )
            iv = crypto.b64decode(encryption["initializationVector"])
            if len(iv) != crypto.IV_SIZE:
                raise crypto.CryptoError("the IV is not 16 bytes")
        except crypto.CryptoError:
            key = iv = None  # as in KSeF: the session opens, its invoices fail with 435
        now = _now()
        session = _Session(
            reference=reference_number("SO", now),
            key=key,
            iv=iv,
            valid_until=now + timedelta(seconds=SESSION_TTL),
            context=self._token_contexts.get(bearer, self.nip),
        )
        self._sessions[session.reference] = session
        answer = {"referenceNumber": session.reference, "validUntil": _iso(session.valid_until)}
        return _Answer(201, _json(answer))

    def _session(self, ref: str, handler: "_Handler", action: str) -> _Session:
        session = self._sessions.get(ref)
        if session is None:
            raise Refusal(
                self._refusal(
                    400,
                    21173,
                    "Brak sesji o wskazanym numerze referencyjnym.",
                    [f"Sesja o numerze referencyjnym {ref} nie została odnaleziona."],
                    handler,
                )
            )
        if session.closed or session.valid_until < _now():
            raise Refusal(
                self._refusal(
                    400,
                    21180,
                    "Status sesji nie pozwala na wykonanie operacji.",
                    [f"Status sesji 170 uniemożliwia {action}."],
                    handler,
                )
            )
        return session

    def _send_invoice(self, handler: "_Handler", ref: str, body: dict, **_: Any) -> _Answer:
        session = self._session(ref, handler, "wysyłkę faktur")
        # openapi-core has already turned the `format: byte` fields into bytes.
        content = _as_bytes(body["encryptedInvoiceContent"])
        if len(content) != body["encryptedInvoiceSize"]:
            raise Refusal(
                self._refusal(
                    400,
                    21402,
                    "Nieprawidłowy rozmiar pliku.",
                    ["Długość treści nie zgadza się z rozmiarem pliku."],
                    handler,
                )
            )
        if crypto.sha256_b64(content) != _as_text(body["encryptedInvoiceHash"]):
            raise Refusal(
                self._refusal(
                    400,
                    21403,
                    "Nieprawidłowy skrót pliku.",
                    ["Skrót treści nie zgadza się ze skrótem pliku."],
                    handler,
                )
            )
        now = _now()
        invoice = _Invoice(
            reference=reference_number("EE", now),
            session=session.reference,
            ordinal=len(session.invoices) + 1,
            invoice_hash=_as_text(body["invoiceHash"]),
            received=now,
            offline=bool(body.get("offlineMode")),
            code=200,
            processing_polls=self.processing_polls,
            context=session.context,
        )
        self.contexts[invoice.reference] = session.context
        session.invoices.append(invoice.reference)
        self._invoices[invoice.reference] = invoice
        self._verify(invoice, session, body, content)
        return _Answer(202, _json({"referenceNumber": invoice.reference}))

    def _verify(self, invoice: _Invoice, session: _Session, body: dict, content: bytes) -> None:
        """What KSeF checks after accepting the file (faktury/weryfikacja-faktury.md)."""
        try:
            xml = self._decrypt(invoice, session, body, content)
            self._read(invoice, xml)
            self._check(invoice, session, xml)
        except _InvoiceRejected as rejected:
            invoice.code, invoice.details = rejected.code, [rejected.detail]
            return
        duplicate = self._duplicate_of(invoice)
        if duplicate is not None:
            invoice.code = 440
            invoice.details = [
                f"Duplikat faktury. Faktura o numerze KSeF: {duplicate.ksef_number} została już "
                f"prawidłowo przesłana do systemu w sesji: {duplicate.session}"
            ]
            invoice.extensions = {
                "originalSessionReferenceNumber": duplicate.session,
                "originalKsefNumber": duplicate.ksef_number or "",
            }
            return
        invoice.acquired = _now()
        invoice.ksef_number = ksef_number(invoice.seller or invoice.context, invoice.acquired)

    def _decrypt(self, invoice: _Invoice, session: _Session, body: dict, content: bytes) -> bytes:
        """The invoice's XML out of the file, of the declared size and hash."""
        if session.key is None or session.iv is None:
            raise _InvoiceRejected(435, "Nie udało się odszyfrować klucza sesji.")
        try:
            xml = crypto.aes_decrypt(content, session.key, session.iv)
        except crypto.CryptoError:
            raise _InvoiceRejected(435, "Nie udało się odszyfrować pliku faktury.") from None
        self.invoices[invoice.reference] = xml
        if len(xml) != body["invoiceSize"] or crypto.sha256_b64(xml) != invoice.invoice_hash:
            raise _InvoiceRejected(
                430, "Skrót lub rozmiar faktury nie zgadza się z zadeklarowanym."
            )
        if xml.startswith(b"\xef\xbb\xbf"):
            raise _InvoiceRejected(450, "Faktura nie może zaczynać się znakiem BOM.")
        return xml

    def _read(self, invoice: _Invoice, xml: bytes) -> None:
        """The invoice's number, date, kind and seller, out of its XML."""
        try:
            root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            raise _InvoiceRejected(450, f"Dokument nie jest poprawnym XML: {exc}") from None
        invoice.number = _field(root, "P_2")
        invoice.issued = _field(root, "P_1")
        invoice.kind = _field(root, "RodzajFaktury")
        sellers = root.xpath(
            "//*[local-name()='Podmiot1']/*[local-name()='DaneIdentyfikacyjne']"
            "/*[local-name()='NIP']"
        )
        invoice.seller = sellers[0].text.strip() if sellers and sellers[0].text else None

    def _check(self, invoice: _Invoice, session: _Session, xml: bytes) -> None:
        """The seller is the session's, the test's own check passes, no rejection is queued."""
        if invoice.seller is not None and invoice.seller != session.context:
            raise _InvoiceRejected(
                410,
                f"Brak uprawnień do wystawienia faktury w imieniu podmiotu {invoice.seller} "
                f"w kontekście {session.context}.",
            )
        if self.validate_invoice is not None:
            problem = self.validate_invoice(xml)
            if problem:
                raise _InvoiceRejected(450, problem)
        if self.reject_next is not None:
            code, description = self.reject_next
            self.reject_next = None
            invoice.description = description
            raise _InvoiceRejected(code, description)

    def _duplicate_of(self, invoice: _Invoice) -> _Invoice | None:
        # KSeF: the same seller NIP, kind (RodzajFaktury) and number (P_2); without a P_2 (test
        # XML) the same content. Another seller's invoice of the same number is no duplicate.
        def identity(candidate: _Invoice) -> tuple:
            if candidate.number:
                return ("P_2", candidate.seller, candidate.kind, candidate.number)
            return ("hash", candidate.invoice_hash)

        for other in self._invoices.values():
            if other is not invoice and other.code == 200 and other.ksef_number:
                if identity(other) == identity(invoice):
                    return other
        return None

    def _status(self, handler: "_Handler", ref: str, inv: str, **_: Any) -> _Answer:
        invoice = self._invoices.get(inv)
        if invoice is None or invoice.session != ref:
            raise Refusal(
                self._refusal(
                    400,
                    *VALIDATION_ERROR,
                    [f"Faktura o numerze referencyjnym {inv} nie została odnaleziona w sesji."],
                    handler,
                )
            )
        code = invoice.code
        if invoice.processing_polls > 0:
            invoice.processing_polls -= 1
            code = 150
        status: dict[str, Any] = {"code": code, "description": INVOICE_STATUS.get(code, "")}
        if code == invoice.code:
            status["description"] = invoice.description or status["description"]
            if invoice.details:
                status["details"] = invoice.details
            if invoice.extensions:
                status["extensions"] = invoice.extensions
        body: dict[str, Any] = {
            "ordinalNumber": invoice.ordinal,
            "referenceNumber": invoice.reference,
            "invoiceHash": invoice.invoice_hash,
            "invoicingDate": _iso(invoice.received),
            "invoicingMode": "Offline" if invoice.offline else "Online",
            "status": status,
        }
        if invoice.number:
            body["invoiceNumber"] = invoice.number
        if code == 200 and invoice.ksef_number and invoice.acquired:
            link = secrets.token_urlsafe(16)
            self._upo_links[link] = invoice.reference
            body["ksefNumber"] = invoice.ksef_number
            body["acquisitionDate"] = _iso(invoice.acquired)
            body["upoDownloadUrl"] = f"{self.root_url}/upo/{link}"
            body["upoDownloadUrlExpirationDate"] = _iso(_now() + timedelta(hours=1))
        return _Answer(200, _json(body))

    def _upo(self, handler: "_Handler", ref: str, ksef: str, **_: Any) -> _Answer:
        for invoice in self._invoices.values():
            if invoice.session == ref and invoice.ksef_number == ksef and invoice.code == 200:
                return _Answer(200, self.upo(invoice.reference), "application/xml")
        raise Refusal(
            self._refusal(
                400,
                21178,
                "Nie znaleziono UPO dla podanych kryteriów.",
                [
                    f"UPO o numerze KSeF {ksef} i numerze referencyjnym sesji {ref} nie zostało "
                    "znalezione."
                ],
                handler,
            )
        )

    def upo(self, invoice_reference: str) -> bytes:
        """The UPO of an accepted invoice, shaped like faktury/upo/przyklady (unsigned)."""
        invoice = self._invoices[invoice_reference]
        assert invoice.ksef_number
        assert invoice.acquired
        issued = invoice.issued or f"{invoice.acquired:%Y-%m-%d}"
        rows = {
            "NipSprzedawcy": invoice.seller or invoice.context,
            "NumerKSeFDokumentu": invoice.ksef_number,
            "NumerFaktury": invoice.number or invoice.reference,
            "DataWystawieniaFaktury": issued,
            "DataPrzeslaniaDokumentu": _iso(invoice.received),
            "DataNadaniaNumeruKSeF": _iso(invoice.acquired),
            "SkrotDokumentu": invoice.invoice_hash,
            "TrybWysylki": "Offline" if invoice.offline else "Online",
        }
        document = "".join(f"\t\t<{k}>{escape(v)}</{k}>\n" for k, v in rows.items())
        text = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-3">\n'
            "\t<NazwaPodmiotuPrzyjmujacego>Ministerstwo Finansów</NazwaPodmiotuPrzyjmujacego>\n"
            f"\t<NumerReferencyjnySesji>{invoice.session}</NumerReferencyjnySesji>\n"
            "\t<Uwierzytelnienie>\n"
            f"\t\t<IdKontekstu>\n\t\t\t<Nip>{escape(invoice.context)}</Nip>\n\t\t</IdKontekstu>\n"
            f"\t\t<NumerReferencyjnyTokenaKSeF>{self._token_reference}"
            "</NumerReferencyjnyTokenaKSeF>\n"
            "\t</Uwierzytelnienie>\n"
            "\t<NazwaStrukturyLogicznej>Schemat_FA(3)_v1-0E.xsd</NazwaStrukturyLogicznej>\n"
            "\t<KodFormularza>FA (3)</KodFormularza>\n"
            f"\t<Dokument>\n{document}\t</Dokument>\n"
            "</Potwierdzenie>\n"
        )
        return text.encode("utf-8")

    def _close_session(self, handler: "_Handler", ref: str, **_: Any) -> _Answer:
        session = self._session(ref, handler, "jej zamknięcie")
        session.closed = True
        return _Answer(204, b"", "")

    # --- outside the API -------------------------------------------------------------------

    def _upo_download(self, handler: "_Handler", path: str) -> None:
        # The upoDownloadUrl of a status: no access token, not part of the API.
        with self._lock:
            reference = self._upo_links.get(path.rsplit("/", 1)[-1])
            upo = self.upo(reference) if reference else None
        if upo is None:
            return _write(handler, _Answer(404, b"Not Found", "text/plain"))
        headers = {"x-ms-meta-hash": crypto.sha256_b64(upo)}
        return _write(handler, _Answer(200, upo, "application/xml", headers))

    def _control(self, handler: "_Handler", path: str, body: bytes) -> None:
        with self._lock:
            if path == "/_peer/config" and handler.command == "POST":
                for name, value in json.loads(body or b"{}").items():
                    if name not in {
                        "outage",
                        "delay",
                        "reject_next",
                        "rate_limited",
                        "auth_pending_polls",
                        "processing_polls",
                        "access_token_ttl",
                    }:
                        return _write(handler, _Answer(400, _json({"unknown": name})))
                    setattr(self, name, tuple(value) if name == "reject_next" and value else value)
                return _write(handler, _Answer(204, b"", ""))
            if path == "/_peer/state" and handler.command == "GET":
                state = {
                    "errors": self.errors,
                    "requests": self.requests,
                    "invoices": {ref: crypto.b64encode(xml) for ref, xml in self.invoices.items()},
                    "contexts": self.contexts,
                }
                return _write(handler, _Answer(200, _json(state)))
        return _write(handler, _Answer(404, b"Not Found", "text/plain"))


def _describe(error: Exception) -> str:
    text = str(error)
    reasons = getattr(error, "schema_errors", None) or getattr(error.__cause__, "schema_errors", ())
    reasons = [getattr(reason, "message", str(reason)) for reason in reasons]
    if error.__cause__ is not None:
        text += f" ({error.__cause__})"
    if reasons:
        text += ": " + "; ".join(reasons)
    return text[:2000]


def _bearer(handler: BaseHTTPRequestHandler) -> str | None:
    header = handler.headers.get("Authorization", "")
    return header[7:] if header.startswith("Bearer ") else None


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else crypto.b64decode(value)


def _as_text(value: Any) -> str:
    return crypto.b64encode(value) if isinstance(value, bytes) else value


def _write(handler: BaseHTTPRequestHandler, answer: _Answer) -> None:
    handler.send_response(answer.status)
    if answer.content_type:
        handler.send_header("Content-Type", answer.content_type)
    for name, value in answer.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(answer.body)))
    handler.end_headers()
    if answer.body:
        handler.wfile.write(answer.body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls
    peer: Peer

    def _any(self) -> None:
        try:
            self.peer.handle(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local KSeF 2.0 test peer.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--nip", default="5480000001")
    parser.add_argument("--token", default="TESTTOKEN")
    parser.add_argument(
        "--grant", action="append", default=[], metavar="NIP=TOKEN",
        help="a further context and its token (a community's permission)",
    )
    args = parser.parse_args(argv)
    grants = dict(grant.split("=", 1) for grant in args.grant)
    peer = Peer(
        nip=args.nip, token=args.token, grants=grants, host=args.host, port=args.port
    ).start()
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    print(f"KSeF peer at {peer.url}", file=sys.stderr, flush=True)
    print("ready", flush=True)
    stopped.wait()
    peer.stop()


if __name__ == "__main__":
    main()
