"""Whose data a row is: every audited model answers for itself with `audit_resident()`, built
from these helpers, so the audit log guesses nothing from other apps' field names. Models of
the libraries we use cannot say it; for them it is declared here."""

# app label and model name -> the field that holds the person
LIBRARY_MODELS = {
    ("account", "emailaddress"): "user",
    ("mfa", "authenticator"): "user",
    ("usersessions", "usersession"): "user",
}


def first_resident(*candidates):
    """The first resident among `candidates`: users, or rows with `audit_resident()`. Staff
    are nobody's resident data."""
    for candidate in candidates:
        if candidate is None:
            continue
        if hasattr(candidate, "get_username") and hasattr(candidate, "is_staff"):
            person = candidate
        elif hasattr(candidate, "audit_resident"):
            person = candidate.audit_resident()
        else:
            meta = getattr(candidate, "_meta", None)
            field = LIBRARY_MODELS.get((meta.app_label, meta.model_name)) if meta else None
            person = getattr(candidate, field) if field else None
        if person is not None and not person.is_staff:
            return person
    return None
