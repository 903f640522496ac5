"""The verification codes KSeF prescribes for an invoice's visualisation (kody-qr.md).

KOD I: `{qr}/invoice/{seller NIP}/{issue date DD-MM-YYYY}/{SHA-256 of the XML, base64url}`,
with the KSeF number under it, or OFFLINE while there is none.
KOD II (offline invoices only): `{qr}/certificate/Nip/{context NIP}/{seller NIP}/{certificate
serial}/{hash}/{signature}`, the signature made with the offline certificate's private key over
the link without "https://": RSASSA-PSS (SHA-256, MGF1 SHA-256, 32-byte salt) or ECDSA P-256
with SHA-256 in IEEE P1363 form (r || s), base64url without padding.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def xml_hash(xml: bytes) -> str:
    """The invoice's SHA-256 in base64url, as KOD I and KOD II carry it."""
    return b64url(hashlib.sha256(xml).digest())


def invoice_link(qr_url: str, seller_nip: str, issue_date: date, xml: bytes) -> str:
    return f"{qr_url.rstrip('/')}/invoice/{seller_nip}/{issue_date:%d-%m-%Y}/{xml_hash(xml)}"


@dataclass(frozen=True)
class OfflineCertificate:
    serial: str  # upper-case hex, as KSeF shows it
    private_key: object
    certificate: x509.Certificate


def load_offline_certificate(
    cert_path: str, key_path: str, password: str = ""
) -> OfflineCertificate:
    certificate = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    key = serialization.load_pem_private_key(
        Path(key_path).read_bytes(), password=password.encode() if password else None
    )
    serial = f"{certificate.serial_number:X}"
    # Whole bytes, as KSeF prints it: 0x01F2… is "01F2…", not "1F2…".
    return OfflineCertificate(serial.zfill(len(serial) + len(serial) % 2), key, certificate)


@cache
def offline_certificate_from(cert_path: str, key_path: str, password: str):
    return load_offline_certificate(cert_path, key_path, password) if cert_path else None


def sign(private_key, message: bytes) -> bytes:
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(
            message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
        )
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(private_key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    raise TypeError("the offline certificate's key must be RSA or ECDSA P-256")


def certificate_link(
    qr_url: str, context_nip: str, seller_nip: str, certificate: OfflineCertificate, xml: bytes
) -> str:
    base = qr_url.rstrip("/").removeprefix("https://")
    signed = (
        f"{base}/certificate/Nip/{context_nip}/{seller_nip}/{certificate.serial}/{xml_hash(xml)}"
    )
    return f"https://{signed}/{b64url(sign(certificate.private_key, signed.encode()))}"
