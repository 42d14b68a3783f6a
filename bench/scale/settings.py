"""The app's settings with the floor view added (the benchmark serves this)."""

from needlepoint.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.scale.urls"
