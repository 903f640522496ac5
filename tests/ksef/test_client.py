"""The KSeF client against the local peer, which checks every request against open-api.json."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from lxml import etree

from billing.ksef import crypto
from billing.ksef.client import (
    InvoiceStatus,
    KsefClient,
    KsefError,
    KsefUnavailable,
    error_from_response,
    is_valid_ksef_number,
    ksef_number_checksum,
)
from billing.ksef.environments import ENVIRONMENTS, environment
from tests.ksef.peer import SPEC_PATH, Peer

# The peer answers with ExceptionResponse, which the spec marks deprecated (Problem Details
# replace it on request); openapi-core warns about that on every error answer.
pytestmark = pytest.mark.filterwarnings("ignore:The schema is deprecated:DeprecationWarning")

NIP = "5480000001"
TOKEN = "TESTTOKEN-20250101-0123456789ABCDEF"
UPO_XSD = Path(__file__).with_name("upo-v4-3.xsd")


def invoice(number: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">'
        f"<Fa><P_1>2025-06-30</P_1><P_2>{number}</P_2><Uwagi>zażółć gęślą jaźń</Uwagi></Fa>"
        "</Faktura>"
    ).encode()


def wait_for(client: KsefClient, session_ref: str, invoice_ref: str) -> InvoiceStatus:
    for _ in range(20):
        status = client.invoice_status(session_ref, invoice_ref)
        if not status.pending:
            return status
    raise AssertionError(f"still pending: {status}")


@pytest.fixture
def peer():
    with Peer(nip=NIP, token=TOKEN) as peer:
        yield peer


def make_client(peer: Peer, *, token: str = TOKEN, timeout: float = 5) -> KsefClient:
    client = KsefClient(api_url=peer.url, nip=NIP, token=token, timeout=timeout)
    client.auth_poll_interval = 0.01
    return client


@pytest.fixture
def client(peer):
    with make_client(peer) as client:
        yield client


def test_full_flow(peer, client):
    peer.auth_pending_polls = 2  # "Uwierzytelnianie w toku" twice before success
    peer.processing_polls = 1  # "Trwa przetwarzanie" once per invoice

    client.authenticate()
    session = client.open_session()
    first, second = invoice("FV/2025/06/1"), invoice("FV/2025/06/2")
    references = [client.send_invoice(session, xml) for xml in (first, second)]

    pending = client.invoice_status(session.reference_number, references[0])
    assert pending.code == 150
    assert pending.pending
    assert pending.ksef_number is None

    statuses = [wait_for(client, session.reference_number, ref) for ref in references]
    for status in statuses:
        assert status.code == 200, status
        assert status.accepted, status
        assert status.description == "Sukces"
        assert is_valid_ksef_number(status.ksef_number)
        assert status.ksef_number.startswith(f"{NIP}-")
        assert status.acquired_at
        assert status.upo_url
    assert statuses[0].ksef_number != statuses[1].ksef_number

    schema = etree.XMLSchema(etree.parse(str(UPO_XSD)))
    for xml, status in zip((first, second), statuses, strict=True):
        upo = client.invoice_upo(session.reference_number, status.ksef_number)
        assert status.ksef_number.encode() in upo
        assert crypto.sha256_b64(xml).encode() in upo
        document = etree.fromstring(upo)
        assert schema.validate(document), schema.error_log
    # The link in the status needs no access token.
    assert requests.get(statuses[0].upo_url, timeout=5).content == client.invoice_upo(
        session.reference_number, statuses[0].ksef_number
    )

    client.close_session(session)

    assert peer.errors == []
    assert peer.invoices[references[0]] == first
    assert peer.invoices[references[1]] == second
    paths = [path for _, path in peer.requests]
    assert paths[:3] == [
        "/v2/security/public-key-certificates",
        "/v2/auth/challenge",
        "/v2/auth/ksef-token",
    ]
    assert paths[3].startswith("/v2/auth/2")  # GET /auth/{referenceNumber}
    assert paths.count(paths[3]) == 3  # polled until 200
    assert len([path for path in paths if path.endswith(references[1])]) == 2  # 150, then 200
    assert ("POST", "/v2/auth/token/redeem") in peer.requests
    assert peer.requests[-1] == ("POST", f"/v2/sessions/online/{session.reference_number}/close")


def test_session_closed_refuses_more_invoices(peer, client):
    session = client.open_session()  # authenticates on its own
    client.close_session(session)
    with pytest.raises(KsefError) as caught:
        client.send_invoice(session, invoice("FV/1"))
    assert caught.value.code == 21180
    assert not isinstance(caught.value, KsefUnavailable)
    assert peer.errors == []


def test_wrong_token_is_a_readable_error_without_the_token(peer):
    wrong = "WRONG-SECRET-TOKEN-VALUE"
    with make_client(peer, token=wrong) as client, pytest.raises(KsefError) as caught:
        client.authenticate()
    error = caught.value
    assert not isinstance(error, KsefUnavailable)
    assert error.code == 450
    assert error.description == (
        "Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu"
    )
    assert error.details == ["Nieprawidłowy token"]
    assert "Nieprawidłowy token" in str(error)
    for text in (str(error), repr(error), repr(client)):
        assert wrong not in text
        assert TOKEN not in text
    assert ("POST", "/v2/auth/token/redeem") not in peer.requests
    assert peer.errors == []


def test_token_encrypted_with_another_timestamp_is_refused(peer):
    certificates = requests.get(peer.url + "/security/public-key-certificates", timeout=5).json()
    certificate = crypto.pick_certificate(certificates, crypto.KSEF_TOKEN_ENCRYPTION)
    challenge = requests.post(peer.url + "/auth/challenge", timeout=5).json()
    stale = challenge["timestampMs"] - 60_000
    init = requests.post(
        peer.url + "/auth/ksef-token",
        json={
            "challenge": challenge["challenge"],
            "contextIdentifier": {"type": "Nip", "value": NIP},
            "encryptedToken": crypto.encrypt_ksef_token(certificate.public_key, TOKEN, stale),
            "publicKeyId": certificate.public_key_id,
        },
        timeout=5,
    ).json()
    status = requests.get(
        f"{peer.url}/auth/{init['referenceNumber']}",
        headers={"Authorization": f"Bearer {init['authenticationToken']['token']}"},
        timeout=5,
    ).json()["status"]
    assert status["code"] == 450
    assert status["details"] == ["Nieprawidłowy czas tokena"]
    assert peer.errors == []


def test_wrong_context_nip_is_refused(peer):
    client = KsefClient(api_url=peer.url, nip="5265877635", token=TOKEN, timeout=5)
    with pytest.raises(KsefError) as caught:
        client.authenticate()
    assert caught.value.code == 415
    assert caught.value.details == ["Brak przypisanych uprawnień"]


@pytest.mark.parametrize("outage", [True, "reset"])
def test_outage_is_unavailable(peer, client, outage):
    client.authenticate()
    peer.outage = outage
    with pytest.raises(KsefUnavailable):
        client.open_session()
    peer.outage = False
    client.open_session()
    assert peer.errors == []


def test_connection_refused_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = KsefClient(api_url=f"http://127.0.0.1:{port}/v2", nip=NIP, token=TOKEN, timeout=2)
    with pytest.raises(KsefUnavailable) as caught:
        client.authenticate()
    assert TOKEN not in str(caught.value)


def test_answer_slower_than_timeout_is_unavailable(peer):
    with make_client(peer, timeout=0.3) as client:
        client.authenticate()
        peer.delay = 0.8
        with pytest.raises(KsefUnavailable) as caught:
            client.open_session()
    assert "0.3" in str(caught.value)


def test_rate_limit_is_unavailable_with_retry_after(peer, client):
    peer.rate_limited = True
    with pytest.raises(KsefUnavailable) as caught:
        client.authenticate()
    assert caught.value.code == 429
    assert caught.value.retry_after == 1
    assert peer.errors == []


def test_rejected_invoice(peer, client):
    session = client.open_session()
    peer.reject_next = (450, "Błąd weryfikacji semantyki dokumentu faktury")
    rejected = client.send_invoice(session, invoice("FV/1"))
    accepted = client.send_invoice(session, invoice("FV/2"))

    status = client.invoice_status(session.reference_number, rejected)
    assert status.code == 450
    assert status.description == "Błąd weryfikacji semantyki dokumentu faktury"
    assert status.ksef_number is None
    assert status.upo_url is None
    assert not status.accepted
    assert not status.pending
    assert client.invoice_status(session.reference_number, accepted).code == 200
    with pytest.raises(KsefError) as caught:
        client.invoice_upo(session.reference_number, f"{NIP}-20250101-000000000000-00")
    assert caught.value.code == 21178
    assert peer.errors == []


def test_validation_hook_rejects_with_its_message():
    def needs_nip(xml: bytes) -> str | None:
        return None if b"<NIP>" in xml else "Brak NIP sprzedawcy (Podmiot1/DaneIdentyfikacyjne/NIP)"

    with Peer(nip=NIP, token=TOKEN, validate_invoice=needs_nip) as peer, make_client(peer) as c:
        session = c.open_session()
        reference = c.send_invoice(session, invoice("FV/1"))
        status = c.invoice_status(session.reference_number, reference)
        assert status.code == 450
        assert status.details == ["Brak NIP sprzedawcy (Podmiot1/DaneIdentyfikacyjne/NIP)"]
        assert peer.invoices[reference] == invoice("FV/1")
        assert peer.errors == []


def test_duplicate_invoice(peer, client):
    session = client.open_session()
    first = client.send_invoice(session, invoice("FV/7"))
    original = client.invoice_status(session.reference_number, first)
    again = client.send_invoice(session, invoice("FV/7"))
    status = client.invoice_status(session.reference_number, again)
    assert status.code == 440
    assert status.extensions["originalKsefNumber"] == original.ksef_number
    assert status.extensions["originalSessionReferenceNumber"] == session.reference_number


def test_offline_invoice_and_technical_correction(peer, client):
    session = client.open_session()
    rejected_hash = crypto.sha256_b64(invoice("FV/OFF/1"))
    reference = client.send_invoice(
        session, invoice("FV/OFF/1-K"), offline=True, corrected_hash=rejected_hash
    )
    assert client.invoice_status(session.reference_number, reference).accepted
    assert peer.errors == []  # offlineMode and hashOfCorrectedInvoice as the spec wants them


def test_access_token_refreshed_before_it_expires(peer, client):
    peer.access_token_ttl = 30  # under the client's 60 s margin: every use refreshes it
    client.authenticate()
    client.open_session()
    assert ("POST", "/v2/auth/token/refresh") in peer.requests
    assert peer.errors == []


def test_revoked_access_token_is_renewed_once(peer, client):
    client.authenticate()
    peer._access_tokens.clear()  # KSeF forgot it: the next call gets 401
    session = client.open_session()
    assert session.reference_number
    assert ("POST", "/v2/auth/token/refresh") in peer.requests
    assert peer.errors == []


def test_request_off_the_spec_is_refused_and_recorded(peer):
    challenge = requests.post(peer.url + "/auth/challenge", timeout=5).json()
    response = requests.post(
        peer.url + "/auth/ksef-token",
        json={
            "challenge": challenge["challenge"],
            "contextIdentifier": {"type": "Nip", "value": NIP},
        },  # no encryptedToken
        timeout=5,
    )
    assert response.status_code == 400
    error = error_from_response(response)
    assert error.code == 21405
    assert len(peer.errors) == 1
    assert "encryptedToken" in peer.errors[0]

    # No Bearer where the spec demands one.
    assert requests.post(peer.url + "/sessions/online", json={}, timeout=5).status_code == 400
    assert len(peer.errors) == 2


def test_problem_details_errors_are_parsed(peer):
    response = requests.post(
        peer.url + "/auth/ksef-token",
        json={"challenge": "x" * 36, "contextIdentifier": {"type": "Nip", "value": NIP}},
        headers={"X-Error-Format": "problem-details"},
        timeout=5,
    )
    assert response.headers["Content-Type"] == "application/problem+json"
    error = error_from_response(response)
    assert error.code == 21405
    assert error.description == "Błąd walidacji danych wejściowych."


def test_ksef_number_checksum_matches_the_documentation():
    # faktury/numer-ksef.md, and the numbers in the UPO examples and the spec.
    assert ksef_number_checksum("5265877635-20250826-0100001AF629") == "AF"
    for number in (
        "5265877635-20250826-0100001AF629-AF",
        "5265877635-20250916-0200A0D6723E-C2",
        "5265877635-20250626-010080DD2B5E-26",
    ):
        assert is_valid_ksef_number(number)
    assert not is_valid_ksef_number("5265877635-20250826-0100001AF629-AE")
    assert not is_valid_ksef_number("5265877635-20250826-0100001af629-AF")
    assert not is_valid_ksef_number("5265877635-20250826-0100001AF629")


def test_invoice_encryption_matches_the_spec_example_sizes():
    # open-api.json: invoiceSize 6480 -> encryptedInvoiceSize 6496 (no IV prefix).
    key, iv = crypto.new_session_key()
    xml = b"x" * 6480
    encrypted = crypto.encrypt_invoice(xml, key, iv)
    assert (encrypted.plain.size, encrypted.encrypted.size) == (6480, 6496)
    assert len(encrypted.plain.hash) == 44
    assert crypto.aes_decrypt(encrypted.content, key, iv) == xml


def test_environments_match_the_spec():
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    assert ENVIRONMENTS["test"].api_url == spec["servers"][0]["url"]
    assert environment("off") is None
    assert environment("prod").api_url == "https://api.ksef.mf.gov.pl/v2"
    assert environment("demo").qr_url == "https://qr-demo.ksef.mf.gov.pl"
    with pytest.raises(ValueError, match="Unknown KSeF environment"):
        environment("staging")


def test_peer_as_its_own_process():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.ksef.peer", "--port", str(port), "--nip", NIP],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        base = f"http://127.0.0.1:{port}"
        with KsefClient(api_url=base + "/v2", nip=NIP, token="TESTTOKEN", timeout=5) as client:
            session = client.open_session()
            reference = client.send_invoice(session, invoice("FV/9"))
            assert client.invoice_status(session.reference_number, reference).accepted
        state = requests.get(base + "/_peer/state", timeout=5).json()
        assert state["errors"] == []
        assert crypto.b64decode(state["invoices"][reference]) == invoice("FV/9")
        requests.post(base + "/_peer/config", json={"outage": True}, timeout=5)
        assert requests.get(base + "/v2/security/public-key-certificates", timeout=5).status_code
        assert (
            requests.get(base + "/v2/security/public-key-certificates", timeout=5).status_code
            == 503
        )
    finally:
        process.terminate()
        process.wait(timeout=5)
