def notify(user, subject, body, link=None):
    """Public entry point for other apps: `from messaging import notify`."""
    from .services import notify as _notify

    return _notify(user, subject, body, link)
