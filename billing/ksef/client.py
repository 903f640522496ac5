"""A client of the KSeF 2.0 API for sending FA(3) invoices in interactive (online) sessions.

Paths, fields and status codes follow the Ministry's open-api.json; the flow follows
uwierzytelnianie.md (KSeF token), sesja-interaktywna.md and
faktury/sesje/sesja-sprawdzenie-stanu-i-pobranie-upo.md. Plain Python: configuration comes in
through the constructor, nothing here knows Django.

    client = KsefClient(api_url=ENVIRONMENTS["test"].api_url, nip="5265877635", token=secret)
    session = client.open_session()          # authenticates on first use
    ref = client.send_invoice(session, xml)
    status = client.invoice_status(session.reference_number, ref)   # poll until not pending
    upo = client.invoice_upo(session.reference_number, status.ksef_number)
    client.close_session(session)

`KsefUnavailable` (network, timeouts, 5xx, 429) means "try again later or go offline";
any other `KsefError` is an answer KSeF gave and retrying the same request will not change it.
One client per task or thread: it keeps its tokens on the instance, without locks.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from . import crypto

logger = logging.getLogger(__name__)

FA3_FORM_CODE = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}

# Auth status codes of GET /auth/{referenceNumber} (AuthenticationOperationStatusResponse).
AUTH_IN_PROGRESS = 100
AUTH_OK = 200
# 500 "Nieznany błąd", 550 "Operacja została anulowana przez system ... Spróbuj ponownie".
AUTH_RETRYABLE = {500, 550}

# Invoice status codes of GET /sessions/{ref}/invoices/{invoiceRef} (InvoiceStatusInfo).
INVOICE_ACCEPTED = 100
INVOICE_PROCESSING = 150
INVOICE_OK = 200
INVOICE_DUPLICATE = 440
INVOICE_SEMANTIC_ERROR = 450
INVOICE_RETRYABLE = {500, 550}

UNKNOWN_PUBLIC_KEY = 21470  # "Przesłany identyfikator klucza jest nieznany lub ... wycofany"


class KsefError(Exception):
    """KSeF refused a request (4xx) or an operation ended in a failure status."""

    def __init__(
        self,
        description: str,
        *,
        code: int | None = None,
        details: list[str] | None = None,
        http_status: int | None = None,
    ):
        self.code = code
        self.description = description
        self.details = list(details or [])
        self.http_status = http_status
        super().__init__(description)

    def __str__(self) -> str:
        text = f"[{self.code}] {self.description}" if self.code is not None else self.description
        if self.details:
            text += " — " + "; ".join(self.details)
        return text


class KsefUnavailable(KsefError):
    """KSeF could not be reached or asked us to come back later: retry, or invoice offline."""

    def __init__(self, description: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(description, **kwargs)
        self.retry_after = retry_after


@dataclass(frozen=True)
class OpenSession:
    reference_number: str
    key: bytes = field(repr=False)
    iv: bytes = field(repr=False)
    valid_until: str  # ISO 8601 as KSeF gave it; a session lives 12 hours


@dataclass(frozen=True)
class InvoiceStatus:
    code: int
    description: str
    details: list[str]
    ksef_number: str | None
    upo_url: str | None  # a short-lived link that needs no access token
    acquired_at: str | None  # ISO 8601, when the KSeF number was assigned
    extensions: dict[str, str | None] = field(default_factory=dict)  # e.g. originalKsefNumber

    @property
    def pending(self) -> bool:
        return self.code in (INVOICE_ACCEPTED, INVOICE_PROCESSING)

    @property
    def accepted(self) -> bool:
        return self.code == INVOICE_OK


@dataclass(frozen=True)
class _Token:
    value: str = field(repr=False)
    valid_until: datetime


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _token(info: dict) -> _Token:
    return _Token(value=info["token"], valid_until=_parse_time(info["validUntil"]))


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


# What an error body says: its code, description and details.
_ErrorFields = tuple[int | None, str, list[str]]


def _from_entries(
    entries: list, code_key: str, description_key: str, code: int | None, description: str
) -> _ErrorFields:
    """A list of errors: the first one leads, the others join its details."""
    first = entries[0]
    details = list(first.get("details") or [])
    for extra in entries[1:]:
        details.append(f"[{extra.get(code_key)}] {extra.get(description_key) or ''}")
        details.extend(extra.get("details") or [])
    return first.get(code_key, code), first.get(description_key) or description, details


def _from_status(status: dict, code: int | None, description: str) -> _ErrorFields:
    details = list(status.get("details") or [])
    return status.get("code", code), status.get("description") or description, details


def _from_problem(body: dict, code: int | None, description: str) -> _ErrorFields:
    """Problem Details (RFC 9457): title, detail and KSeF's reasonCode."""
    details = [body["detail"]] if body.get("detail") else []
    if body.get("reasonCode"):
        details.append(f"reasonCode: {body['reasonCode']}")
    return code, body.get("title") or description, details


def _error_fields(body: object, code: int | None, description: str) -> _ErrorFields:
    """The fields of whichever error body this is; the HTTP status and reason otherwise."""
    if not isinstance(body, dict):
        return code, description, []
    exception = body.get("exception")
    if isinstance(exception, dict) and exception.get("exceptionDetailList"):
        entries = exception["exceptionDetailList"]
        return _from_entries(entries, "exceptionCode", "exceptionDescription", code, description)
    if isinstance(body.get("errors"), list) and body["errors"]:
        return _from_entries(body["errors"], "code", "description", code, description)
    if isinstance(body.get("status"), dict):
        return _from_status(body["status"], code, description)
    if body.get("title") or body.get("detail"):
        return _from_problem(body, code, description)
    return code, description, []


def error_from_response(response: requests.Response) -> KsefError:
    """A KsefError out of an error answer, in any of the spec's error bodies:
    ExceptionResponse (the default), Problem Details (400/401/403/410/429) or the old
    TooManyRequestsResponse."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    code, description, details = _error_fields(body, status, response.reason or f"HTTP {status}")
    if status == 429 or status >= 500:
        return KsefUnavailable(
            description,
            code=code,
            details=details,
            http_status=status,
            retry_after=_retry_after(response),
        )
    return KsefError(description, code=code, details=details, http_status=status)


class KsefClient:
    # Polling of an authentication in progress: first wait, growth, cap, and the total patience.
    auth_poll_interval = 0.2
    auth_poll_max_interval = 2.0
    auth_deadline = 60.0
    # Refresh the access token when it has less than this left.
    token_margin = timedelta(seconds=60)

    def __init__(
        self,
        *,
        api_url: str,
        nip: str,
        token: str,
        timeout: float = 30,
        session: requests.Session | None = None,
    ):
        if not (len(nip) == 10 and nip.isdigit()):
            raise ValueError("nip must be 10 digits")
        if not token:
            raise ValueError("a KSeF token is required")
        self.api_url = api_url.rstrip("/")
        self.nip = nip
        self._ksef_token = token
        self.timeout = timeout
        self._owns_http = session is None
        self.http = session or requests.Session()
        self._certificates: list[dict] | None = None
        self._access: _Token | None = None
        self._refresh: _Token | None = None

    def __repr__(self) -> str:
        return f"<KsefClient {self.api_url} nip={self.nip}>"

    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> "KsefClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- HTTP ------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        bearer: str | None = None,
        json: dict | None = None,
        accept: str = "application/json",
    ) -> requests.Response:
        headers = {"Accept": accept}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        started = time.monotonic()
        try:
            response = self.http.request(
                method, self.api_url + path, headers=headers, json=json, timeout=self.timeout
            )
        except requests.Timeout as exc:
            logger.warning("KSeF %s %s: timed out after %ss", method, path, self.timeout)
            raise KsefUnavailable(f"KSeF did not answer within {self.timeout} s") from exc
        except requests.RequestException as exc:
            logger.warning("KSeF %s %s: %s", method, path, type(exc).__name__)
            raise KsefUnavailable(f"KSeF is unreachable ({type(exc).__name__})") from exc
        logger.debug(
            "KSeF %s %s -> %s in %.2fs",
            method,
            path,
            response.status_code,
            time.monotonic() - started,
        )
        return response

    @staticmethod
    def _check(response: requests.Response, *expected: int) -> requests.Response:
        if response.status_code in expected:
            return response
        error = error_from_response(response)
        logger.info("KSeF refused %s: %s", response.request.path_url, error)
        raise error

    def _call(
        self,
        method: str,
        path: str,
        *expected: int,
        json: dict | None = None,
        accept: str = "application/json",
    ) -> requests.Response:
        """A request with the access token; an expired or revoked one is renewed once."""
        response = self._send(method, path, bearer=self._access_token(), json=json, accept=accept)
        if response.status_code == 401:
            self._access = None
            response = self._send(
                method, path, bearer=self._access_token(), json=json, accept=accept
            )
        return self._check(response, *expected)

    # --- authentication --------------------------------------------------------------------

    def _load_certificates(self) -> list[dict]:
        response = self._check(self._send("GET", "/security/public-key-certificates"), 200)
        self._certificates = response.json()
        return self._certificates

    def _certificate(self, usage: str, *, fresh: bool = False) -> crypto.PublicKeyCertificate:
        entries = self._certificates if self._certificates and not fresh else None
        entries = entries or self._load_certificates()
        try:
            return crypto.pick_certificate(entries, usage)
        except crypto.CryptoError as exc:
            raise KsefError(str(exc)) from exc

    def authenticate(self) -> None:
        """Challenge, KSeF token, wait for the verdict, redeem the access and refresh tokens."""
        self._access = self._refresh = None
        self._load_certificates()
        init = self._init_token_auth()
        try:
            reference = init["referenceNumber"]
            operation_token = init["authenticationToken"]["token"]
        except (KeyError, TypeError) as exc:
            raise KsefError("KSeF answered /auth/ksef-token without a reference") from exc
        self._wait_for_auth(reference, operation_token)
        response = self._check(
            self._send("POST", "/auth/token/redeem", bearer=operation_token), 200
        )
        tokens = response.json()
        self._access = _token(tokens["accessToken"])
        self._refresh = _token(tokens["refreshToken"])
        logger.info("KSeF: authenticated for NIP %s (auth %s)", self.nip, reference)

    def _init_token_auth(self) -> dict:
        for attempt in range(2):
            certificate = self._certificate(crypto.KSEF_TOKEN_ENCRYPTION, fresh=attempt > 0)
            challenge = self._check(self._send("POST", "/auth/challenge"), 200).json()
            body: dict[str, Any] = {
                "challenge": challenge["challenge"],
                "contextIdentifier": {"type": "Nip", "value": self.nip},
                "encryptedToken": crypto.encrypt_ksef_token(
                    certificate.public_key, self._ksef_token, int(challenge["timestampMs"])
                ),
            }
            if certificate.public_key_id:
                body["publicKeyId"] = certificate.public_key_id
            try:
                return self._check(self._send("POST", "/auth/ksef-token", json=body), 202).json()
            except KsefError as exc:
                # The Ministry rotated its key since we fetched the list: fetch and retry once.
                if exc.code != UNKNOWN_PUBLIC_KEY or attempt:
                    raise
        raise AssertionError("unreachable")

    def _wait_for_auth(self, reference: str, operation_token: str) -> None:
        deadline = time.monotonic() + self.auth_deadline
        interval = self.auth_poll_interval
        while True:
            response = self._check(
                self._send("GET", f"/auth/{reference}", bearer=operation_token), 200
            )
            status = response.json().get("status") or {}
            code = status.get("code")
            if code == AUTH_OK:
                return
            if code != AUTH_IN_PROGRESS:
                error_class = KsefUnavailable if code in AUTH_RETRYABLE else KsefError
                raise error_class(
                    status.get("description") or "KSeF authentication failed",
                    code=code,
                    details=status.get("details") or [],
                )
            if time.monotonic() + interval > deadline:
                raise KsefUnavailable(
                    f"KSeF authentication still in progress after {self.auth_deadline} s",
                    code=code,
                )
            time.sleep(interval)
            interval = min(interval * 1.5, self.auth_poll_max_interval)

    def _refresh_access(self) -> None:
        assert self._refresh is not None
        response = self._check(
            self._send("POST", "/auth/token/refresh", bearer=self._refresh.value), 200
        )
        self._access = _token(response.json()["accessToken"])

    def _access_token(self) -> str:
        soon = datetime.now(UTC) + self.token_margin
        if self._access is not None and self._access.valid_until > soon:
            return self._access.value
        if self._refresh is not None and self._refresh.valid_until > soon:
            try:
                self._refresh_access()
            except KsefUnavailable:
                raise
            except KsefError:
                logger.info("KSeF: refresh token refused, authenticating again")
                self.authenticate()
        else:
            self.authenticate()
        assert self._access is not None
        return self._access.value

    # --- interactive session ----------------------------------------------------------------

    def open_session(self) -> OpenSession:
        """POST /sessions/online for FA(3), with a fresh AES key."""
        self._access_token()  # authenticate first: it also fetches the certificates
        key, iv = crypto.new_session_key()
        for attempt in range(2):
            certificate = self._certificate(crypto.SYMMETRIC_KEY_ENCRYPTION, fresh=attempt > 0)
            encryption = {
                "encryptedSymmetricKey": crypto.encrypt_symmetric_key(certificate.public_key, key),
                "initializationVector": crypto.b64encode(iv),
            }
            if certificate.public_key_id:
                encryption["publicKeyId"] = certificate.public_key_id
            body = {"formCode": dict(FA3_FORM_CODE), "encryption": encryption}
            try:
                answer = self._call("POST", "/sessions/online", 201, json=body).json()
            except KsefError as exc:
                if exc.code != UNKNOWN_PUBLIC_KEY or attempt:
                    raise
                continue
            logger.info("KSeF: opened session %s", answer["referenceNumber"])
            return OpenSession(
                reference_number=answer["referenceNumber"],
                key=key,
                iv=iv,
                valid_until=answer["validUntil"],
            )
        raise AssertionError("unreachable")

    def send_invoice(
        self,
        session: OpenSession,
        xml: bytes,
        *,
        offline: bool = False,
        corrected_hash: str | None = None,
    ) -> str:
        """Send one invoice; returns its reference number (not yet the KSeF number).

        `offline`: the invoice was issued in an offline mode (tryby-offline.md).
        `corrected_hash`: base64 SHA-256 of the rejected offline invoice this one technically
        corrects (offline/korekta-techniczna.md)."""
        encrypted = crypto.encrypt_invoice(xml, session.key, session.iv)
        body: dict[str, Any] = {
            "invoiceHash": encrypted.plain.hash,
            "invoiceSize": encrypted.plain.size,
            "encryptedInvoiceHash": encrypted.encrypted.hash,
            "encryptedInvoiceSize": encrypted.encrypted.size,
            "encryptedInvoiceContent": crypto.b64encode(encrypted.content),
            "offlineMode": offline,
        }
        # Omitted rather than null: the spec's nullable does not reach into its allOf.
        if corrected_hash is not None:
            body["hashOfCorrectedInvoice"] = corrected_hash
        answer = self._call(
            "POST", f"/sessions/online/{session.reference_number}/invoices", 202, json=body
        ).json()
        return answer["referenceNumber"]

    def invoice_status(self, session_ref: str, invoice_ref: str) -> InvoiceStatus:
        answer = self._call("GET", f"/sessions/{session_ref}/invoices/{invoice_ref}", 200).json()
        status = answer.get("status") or {}
        return InvoiceStatus(
            code=int(status.get("code", 0)),
            description=status.get("description") or "",
            details=list(status.get("details") or []),
            ksef_number=answer.get("ksefNumber"),
            upo_url=answer.get("upoDownloadUrl"),
            acquired_at=answer.get("acquisitionDate"),
            extensions=dict(status.get("extensions") or {}),
        )

    def invoice_upo(self, session_ref: str, ksef_number: str) -> bytes:
        """The UPO (official receipt) XML of an accepted invoice."""
        response = self._call(
            "GET",
            f"/sessions/{session_ref}/invoices/ksef/{ksef_number}/upo",
            200,
            accept="application/xml",
        )
        return response.content

    def close_session(self, session: OpenSession | str) -> None:
        reference = session.reference_number if isinstance(session, OpenSession) else session
        self._call("POST", f"/sessions/online/{reference}/close", 204)
        logger.info("KSeF: closed session %s", reference)


# --- KSeF numbers (faktury/numer-ksef.md) ---------------------------------------------------


def crc8(data: bytes) -> int:
    """CRC-8 with polynomial 0x07 and initial value 0x00, as numer-ksef.md specifies."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def ksef_number_checksum(data: str) -> str:
    """Two upper-case hex digits over the 32 characters before the checksum."""
    return f"{crc8(data.encode('ascii')):02X}"


def is_valid_ksef_number(number: str) -> bool:
    """35 characters: the NIP, the date as YYYYMMDD, 12 hex digits and the 2-hex-digit CRC-8
    of what precedes it, joined by hyphens; the CRC must match."""
    if len(number) != 35 or number[32] != "-":
        return False
    nip, day, technical, checksum = number.split("-") if number.count("-") == 3 else ("",) * 4
    if not (len(nip) == 10 and nip.isdigit() and len(day) == 8 and day.isdigit()):
        return False
    hexdigits = set("0123456789ABCDEF")
    if len(technical) != 12 or not set(technical + checksum) <= hexdigits:
        return False
    return ksef_number_checksum(number[:32]) == checksum
