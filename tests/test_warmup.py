"""gunicorn's master does a worker's first-request work once, before it forks workers."""

import gc
from types import SimpleNamespace

import pytest
from django.template import engines
from django.urls import clear_url_caches, get_resolver

from ceapp import warmup
from tests.test_production_settings import GUNICORN_CONF, ROOT, load

TEMPLATES = sorted(
    path.relative_to(ROOT / "templates").as_posix() for path in (ROOT / "templates").rglob("*.html")
)


@pytest.fixture
def new_process():
    """The URL resolver, template and context processor caches as a new process has
    them; afterwards the heap is unfrozen again."""
    engine = engines["django"].engine
    clear_url_caches()
    engine.template_loaders[0].reset()
    engine.__dict__.pop("template_context_processors", None)
    yield engine
    gc.unfreeze()


def test_warm_up_does_the_first_request_work(new_process):
    loader = new_process.template_loaders[0]
    assert not get_resolver()._populated
    assert not loader.get_template_cache

    warmup.warm_up()

    assert get_resolver()._populated  # every route compiled, reverse() ready
    assert get_resolver() is get_resolver()  # the one a request will use
    assert "courses/section_detail.html" in TEMPLATES and len(TEMPLATES) > 20
    assert sorted(loader.get_template_cache) == TEMPLATES
    assert "template_context_processors" in new_process.__dict__
    assert gc.get_freeze_count() > 0


@pytest.mark.parametrize(("preload", "warmed"), [(True, True), (False, False)])
def test_gunicorn_warms_up_its_master_only_when_it_preloads_the_app(monkeypatch, preload, warmed):
    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append("warm_up"))

    load(GUNICORN_CONF)["when_ready"](SimpleNamespace(cfg=SimpleNamespace(preload_app=preload)))

    # Without preloading, the master has no app to warm; each worker loads its own.
    assert calls == (["warm_up"] if warmed else [])
