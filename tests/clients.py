"""The test client of the suite: `force_login` stands for a completed login, the password and,
for a user with an authenticator app, its code, as allauth records them in the session (the
staff panel asks for both). `force_login(user, mfa=False)` is a session without the code."""

import time

import django.test
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str


class Client(django.test.Client):
    def force_login(self, user, backend=None, mfa=True):
        super().force_login(user, backend)
        now = time.time()
        records = [{"method": "password", "at": now, "username": user.get_username()}]
        if mfa:
            records.append({"method": "mfa", "at": now, "type": "totp"})
        session = self.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = records
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
        session.save()
