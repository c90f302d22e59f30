"""The production settings, with the benchmark's reference view added to the URLs."""

from ceapp.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.load.urls"
