"""A form's one-time token: a new random one in every rendered form, sent back with it, so a
second submit of the same form can be recognised and stored once (the service looks the token
up; a conditional unique constraint settles a race)."""

import uuid
from typing import Any

from django import forms


class OneTimeTokenForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("token", uuid.uuid4())
