"""gunicorn's master does a worker's first-request work once, before it forks workers.

Watched from outside, in a fresh process: after the warm-up, building every template
and routing a request open no template file and import no module.
"""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest

from ceapp import warmup

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path.relative_to(ROOT / "templates").as_posix() for path in (ROOT / "templates").rglob("*.html")
)

# Run in a new interpreter: what a first request would read from disk and import.
FIRST_REQUEST = """
import gc, json, sys
import django
django.setup()
from django.template.loader import get_template
from django.urls import resolve, reverse
from ceapp.warmup import warm_up
if sys.argv[1] == "warm":
    warm_up()
opened = []
sys.addaudithook(
    lambda event, args: event == "open" and str(args[0]).endswith(".html") and opened.append(1)
)
before = set(sys.modules)
for name in sys.argv[2:]:
    get_template(name)
resolve(reverse("courses:booklet", args=["a-course"]))
resolve(reverse("admin:courses_question_changelist"))
print(json.dumps({
    "templates_read": len(opened),
    "imported": sorted(set(sys.modules) - before),
    "frozen": gc.get_freeze_count(),
}))
"""


def first_request(mode):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ceapp.settings", "DEBUG": "0"}
    env.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FIRST_REQUEST, mode, *TEMPLATES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_warmed_process_reads_no_template_and_imports_nothing_on_its_first_request():
    assert "courses/section_detail.html" in TEMPLATES and len(TEMPLATES) > 20

    warmed = first_request("warm")

    assert warmed["templates_read"] == 0
    assert warmed["imported"] == []
    assert warmed["frozen"] > 0  # the forked workers' garbage collector leaves it shared


def test_a_cold_process_does_that_work_on_its_first_request():
    cold = first_request("cold")

    assert cold["templates_read"] >= len(TEMPLATES)
    assert "courses.views.booklet" in cold["imported"]
    assert cold["frozen"] == 0


@pytest.mark.parametrize(("preload", "warmed"), [(True, True), (False, False)])
def test_gunicorn_warms_up_its_master_only_when_it_preloads_the_app(monkeypatch, preload, warmed):
    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append("warm_up"))
    with mock.patch.dict(os.environ, {}, clear=True):
        config = runpy.run_path(str(ROOT / "ceapp" / "gunicorn.conf.py"))

    config["when_ready"](SimpleNamespace(cfg=SimpleNamespace(preload_app=preload)))

    # Without preloading, the master has no app to warm; each worker loads its own.
    assert calls == (["warm_up"] if warmed else [])
