"""One seed_demo run: what it created and updated, and the write every demo row goes through."""

from collections import Counter

from django.contrib.auth.hashers import make_password

from demo.logins import DEMO_PASSWORD


class Seeding:
    def __init__(self):
        self.created = Counter()
        self.updated = Counter()
        self._password_hash = None

    @property
    def password_hash(self):
        # Hashing is deliberately slow: do it once per run and share the hash.
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def upsert(self, model, lookup, values, create_only=None):
        """Find by natural key; create, or write only the fields that differ."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            extra = {name: make() for name, make in (create_only or {}).items()}
            obj = model(**lookup, **values, **extra)
            self.created[model._meta.model_name] += 1
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if not changed:
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            self.updated[model._meta.model_name] += 1
        obj.full_clean()
        obj.save()
        return obj
