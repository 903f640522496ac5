"""The cryptography KSeF 2.0 asks of a client, and its inverse for a test peer.

- uwierzytelnianie.md 2.2: the KSeF token is sent as `{token}|{timestampMs}` encrypted with
  RSA-OAEP (SHA-256, MGF1 SHA-256) under the Ministry's `KsefTokenEncryption` certificate.
- sesja-interaktywna.md: every session has a fresh AES-256 key and 16-byte IV; the key goes to
  KSeF RSA-OAEP encrypted under the `SymmetricKeyEncryption` certificate, the IV in the clear
  (`initializationVector`); each invoice is AES-256-CBC with PKCS#7 padding. The ciphertext is
  NOT prefixed with the IV (the official clients do not, and the spec's example sizes,
  6480 -> 6496 bytes, show it).
- bezpieczenstwo/klucze-publiczne-do-szyfrowania.md: certificates come DER in base64;
  `publicKeyId` is base64(SHA-256(SubjectPublicKeyInfo DER)).
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KSEF_TOKEN_ENCRYPTION = "KsefTokenEncryption"  # noqa: S105 (a key usage, not a secret)
SYMMETRIC_KEY_ENCRYPTION = "SymmetricKeyEncryption"

KEY_SIZE = 32  # AES-256
IV_SIZE = 16  # one AES block


class CryptoError(ValueError):
    """Material that cannot be used: a bad certificate, a wrong key, a broken ciphertext."""


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise CryptoError("not valid base64") from exc


def sha256_b64(data: bytes) -> str:
    """SHA-256 of `data`, base64 (44 characters): the form of every hash in the API."""
    return b64encode(hashlib.sha256(data).digest())


@dataclass(frozen=True)
class FileMetadata:
    hash: str  # SHA-256, base64
    size: int  # bytes


def file_metadata(data: bytes) -> FileMetadata:
    return FileMetadata(hash=sha256_b64(data), size=len(data))


# --- the Ministry's public key certificates -----------------------------------------------


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def public_key_id(public_key: rsa.RSAPublicKey) -> str:
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return sha256_b64(spki)


def certificate_id(certificate: x509.Certificate) -> str:
    return sha256_b64(certificate.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True)
class PublicKeyCertificate:
    """One entry of GET /security/public-key-certificates."""

    certificate: x509.Certificate
    public_key_id: str
    usage: tuple[str, ...]
    valid_from: datetime
    valid_to: datetime

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        key = self.certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise CryptoError("the KSeF certificate does not hold an RSA key")
        return key

    @classmethod
    def from_json(cls, entry: dict) -> "PublicKeyCertificate":
        try:
            certificate = x509.load_der_x509_certificate(b64decode(entry["certificate"]))
            return cls(
                certificate=certificate,
                public_key_id=entry.get("publicKeyId") or "",
                usage=tuple(entry.get("usage") or ()),
                valid_from=_parse_time(entry["validFrom"]),
                valid_to=_parse_time(entry["validTo"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CryptoError("unreadable KSeF public key certificate") from exc


def pick_certificate(
    entries: list[dict], usage: str, now: datetime | None = None
) -> PublicKeyCertificate:
    """The certificate for `usage` valid now; of several, the one with the latest validFrom
    (klucze-publiczne-do-szyfrowania.md 4.1)."""
    now = now or datetime.now(UTC)
    candidates = [
        cert
        for cert in (PublicKeyCertificate.from_json(entry) for entry in entries)
        if usage in cert.usage and cert.valid_from <= now <= cert.valid_to
    ]
    if not candidates:
        raise CryptoError(f"KSeF publishes no valid certificate for {usage}")
    return max(candidates, key=lambda cert: cert.valid_from)


# --- RSA-OAEP --------------------------------------------------------------------------------

_OAEP = OAEP(mgf=MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def rsa_encrypt(public_key: rsa.RSAPublicKey, data: bytes) -> bytes:
    return public_key.encrypt(data, _OAEP)


def rsa_decrypt(private_key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    try:
        return private_key.decrypt(data, _OAEP)
    except ValueError as exc:
        raise CryptoError("RSA-OAEP decryption failed") from exc


def encrypt_ksef_token(public_key: rsa.RSAPublicKey, token: str, timestamp_ms: int) -> str:
    """`encryptedToken` of POST /auth/ksef-token."""
    return b64encode(rsa_encrypt(public_key, f"{token}|{timestamp_ms}".encode()))


def decrypt_ksef_token(private_key: rsa.RSAPrivateKey, encrypted: str) -> tuple[str, int]:
    """(token, timestampMs) out of an `encryptedToken`."""
    plain = rsa_decrypt(private_key, b64decode(encrypted))
    try:
        token, _, stamp = plain.decode("utf-8").rpartition("|")
        return token, int(stamp)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CryptoError("the decrypted token is not `token|timestampMs`") from exc


# --- the session's symmetric key ----------------------------------------------------------


def new_session_key() -> tuple[bytes, bytes]:
    """A fresh (AES-256 key, IV) for one session."""
    return secrets.token_bytes(KEY_SIZE), secrets.token_bytes(IV_SIZE)


def encrypt_symmetric_key(public_key: rsa.RSAPublicKey, key: bytes) -> str:
    """`encryptedSymmetricKey` of POST /sessions/online."""
    return b64encode(rsa_encrypt(public_key, key))


def decrypt_symmetric_key(private_key: rsa.RSAPrivateKey, encrypted: str) -> bytes:
    key = rsa_decrypt(private_key, b64decode(encrypted))
    if len(key) != KEY_SIZE:
        raise CryptoError(f"the symmetric key has {len(key)} bytes, not {KEY_SIZE}")
    return key


def aes_encrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    """AES-256-CBC with PKCS#7 padding."""
    padder = padding.PKCS7(algorithms.AES.block_size).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def aes_decrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    try:
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(algorithms.AES.block_size).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise CryptoError("AES-256-CBC decryption failed") from exc


@dataclass(frozen=True)
class EncryptedInvoice:
    """What POST /sessions/online/{ref}/invoices wants to know about one invoice."""

    plain: FileMetadata
    encrypted: FileMetadata
    content: bytes  # the ciphertext


def encrypt_invoice(xml: bytes, key: bytes, iv: bytes) -> EncryptedInvoice:
    content = aes_encrypt(xml, key, iv)
    return EncryptedInvoice(
        plain=file_metadata(xml), encrypted=file_metadata(content), content=content
    )
