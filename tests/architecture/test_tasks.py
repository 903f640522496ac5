"""Tasks are thin and have one name each (docs/architecture.md, "Inside an app"): a task
registered as `<app>.<name>` is the function `<name>` of its app's tasks module (billing's rooms
register under `billing.`); a tasks module holds tasks only, short ones, and composes no e-mail;
every beat entry and every task a service queues by name is a registered task; every task is
routed to a queue by name (ebok/settings.py, CELERY_TASK_ROUTES)."""

import ast
import importlib
from pathlib import Path

from celery import Task
from django.conf import settings

from ebok.celery import app

ROOT = Path(settings.BASE_DIR)
PROJECT = {
    "core", "audit", "accounts", "messaging", "billing", "meters", "faults", "resolutions",
    "accessibility", "privacy", "ebok",
}
# Mail is composed and sent in the app's mails.py (core.outbox), never in a task.
MAIL = {"send_mail", "EmailMessage", "EmailMultiAlternatives", "get_connection", "render_to_string"}
MAX_BODY_LINES = 8  # a task's statements, its docstring aside
QUEUE_BY_NAME = {"enqueue", "enqueue_on_commit"}


def _task_files():
    return sorted(
        path
        for path in [*ROOT.glob("*/tasks.py"), *ROOT.glob("billing/*/tasks.py")]
        if path.parts[len(ROOT.parts)] in PROJECT
    )


def _module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _registered():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.split(".")[0] in PROJECT}


def _bound_tasks():
    """(module, attribute, task) for every task a tasks module binds to a name."""
    for path in _task_files():
        module = importlib.import_module(_module_name(path))
        for attribute, value in vars(module).items():
            if isinstance(value, Task):
                yield module.__name__, attribute, value


def test_a_task_has_one_name():
    wrong = []
    for module, attribute, task in _bound_tasks():
        app_label = module.split(".")[0]
        function = task.__wrapped__.__name__
        if not (task.name == f"{app_label}.{attribute}" and function == attribute):
            wrong.append(f"{module}.{attribute}: function {function}, Celery name {task.name}")
    assert not wrong, "a task is `def <name>` registered as '<app>.<name>':\n" + "\n".join(wrong)


def test_every_registered_task_lives_in_a_tasks_module_under_its_name():
    bound = {task.name for _module, _attribute, task in _bound_tasks()}
    assert set(_registered()) - bound == set()


def test_tasks_modules_hold_thin_tasks_only():
    wrong = []
    for path in _task_files():
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if name in MAIL:
                wrong.append(f"{relative}:{node.lineno}: {name} (compose mail in mails.py)")
        module = importlib.import_module(_module_name(path))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if not isinstance(getattr(module, node.name), Task):
                wrong.append(f"{relative}:{node.lineno}: {node.name} is not a task")
            body = node.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            lines = body[-1].end_lineno - body[0].lineno + 1
            if lines > MAX_BODY_LINES:
                wrong.append(f"{relative}:{node.lineno}: {node.name} has {lines} lines")
    assert not wrong, "\n".join(wrong)


def test_beat_runs_registered_tasks():
    registered = _registered()
    missing = {
        entry: spec["task"]
        for entry, spec in settings.CELERY_BEAT_SCHEDULE.items()
        if spec["task"] not in registered
    }
    assert missing == {}


def test_tasks_queued_by_name_are_registered():
    from demo.management.commands.seed_demo import DEMO_HELD_TASKS

    registered = _registered()
    missing = [f"seed_demo held: {name}" for name in DEMO_HELD_TASKS if name not in registered]
    queued = 0
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if path.relative_to(ROOT).parts[0] not in PROJECT or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called not in QUEUE_BY_NAME:
                continue
            name = node.args[0] if node.args else None
            if isinstance(name, ast.Constant):
                queued += 1
                if name.value not in registered:
                    missing.append(f"{relative}:{node.lineno}: {name.value}")
    assert queued > 10  # the services' enqueue calls were found
    assert not missing, "\n".join(missing)


QUEUES = {"urgent", "default", "pdf", "bulk"}


def test_every_task_is_routed_to_a_declared_queue():
    """Each task of the project names its queue, `default` included (a new task must be placed
    deliberately); Celery's own tasks fall to the default queue; no route names a task that
    does not exist, nor a queue that no worker started without -Q would consume."""
    routes = settings.CELERY_TASK_ROUTES
    registered = _registered()
    assert set(registered) - set(routes) == set(), "route every task in CELERY_TASK_ROUTES"
    assert set(routes) - set(registered) == set(), "a route names no task"
    assert {route["queue"] for route in routes.values()} == QUEUES
    assert set(app.amqp.queues) == QUEUES  # what `celery worker` without -Q consumes
    assert app.conf.task_default_queue == "default"
    for name in app.tasks:
        queue = app.amqp.router.route({}, name)["queue"].name
        assert queue == routes.get(name, {"queue": "default"})["queue"], name


def test_the_mail_a_person_waits_for_is_urgent_and_every_pdf_render_in_pdf():
    routes = {name: route["queue"] for name, route in settings.CELERY_TASK_ROUTES.items()}
    assert routes["faults.duty_email_send"] == "urgent"
    assert routes["accounts.activation_email_send"] == "urgent"
    renders = {name for name in _registered() if name.endswith("_render")}
    assert renders
    assert {routes[name] for name in renders} == {"pdf"}
    assert routes["messaging.notice_emails_send"] == "bulk"
