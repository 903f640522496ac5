"""Fixed people, as in healthchecks' tests: an owner of an account, a co-holder, a stranger
with an account of their own, and staff."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from tests.clients import Client
from tests.factories import AccessFactory, AccountFactory, StaffFactory

# Real Celery workers: `worker` (e-mail into `mailbox`), `pdf_worker` (files into `media`).
pytest_plugins = ["tests.workers"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Password hashing is the slowest thing in the suite and not what it tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    # Uploaded and rendered files of a test never land in the project's var/private.
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _polish_by_default():
    # A request through LocaleMiddleware leaves its language active in the thread; every test
    # starts in the site's default language whatever ran before it.
    with translation.override("pl"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # rate-limit counters live in the cache


@pytest.fixture
def eager_tasks():
    """Tasks queued on commit run in the test, whatever REDIS_URL says."""
    from ebok.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def owner(db):
    access = AccessFactory(user__username="owner")
    return access.user


@pytest.fixture
def account(owner):
    return owner.account_accesses.get().account


@pytest.fixture
def co_holder(account):
    return AccessFactory(account=account, role="co_holder", user__username="coholder").user


@pytest.fixture
def stranger(db):
    access = AccessFactory(user__username="stranger")
    return access.user


@pytest.fixture
def staff(db):
    return StaffFactory(username="clerk", groups=["BOK"])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def other_account(stranger):
    return stranger.account_accesses.get().account


@pytest.fixture
def make_account():
    return AccountFactory


@pytest.fixture(scope="module")
def demo_for_module(django_db_setup, django_db_blocker):
    """The demo seeded once for the tests of a module that only read it (mark them
    `django_db`, not transactional): each test runs in a savepoint of this transaction, which is
    rolled back after the module. Returns what seed_demo printed."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block._from_testcase = True  # as Django's TestCase marks its own: services' durable
        block.__enter__()  # blocks may open inside it
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
