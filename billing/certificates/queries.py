"""Reads of certificates of no arrears: a resident's own, and one found by its public code."""

from django.http import Http404

from accounts.queries import accounts_for_user
from billing.certificates.models import CODE_LENGTH, Certificate, normalize_code


def certificates_of_account(account):
    return list(Certificate.objects.filter(account=account).order_by("-issued_at", "-pk"))


def get_certificate_for_user(user, pk):
    certificate = Certificate.objects.filter(
        pk=pk, account__in=accounts_for_user(user).values("pk")
    ).first()
    if certificate is None:
        raise Http404
    return certificate


def certificate_by_code(code):
    """The certificate with this verification code, or None (a forged or mistyped code)."""
    code = normalize_code(code)
    if len(code) != CODE_LENGTH or not code.isascii() or not code.isalnum():
        return None
    return Certificate.objects.filter(verification_code=code).first()
