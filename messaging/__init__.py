class Kind:
    """What a notification is about (messaging.models.NotificationKind holds the labels); a
    resident may turn off e-mail for every kind but GENERAL."""

    GENERAL = "general"
    NOTICES = "notices"
    BILLING = "billing"
    METERS = "meters"
    FAULTS = "faults"
    RESOLUTIONS = "resolutions"


def notify(user, subject, body, link=None, kind=Kind.GENERAL):
    """Public entry point for other apps: `from messaging import Kind, notify`."""
    from .services import notify as _notify

    return _notify(user, subject, body, link, kind=kind)
