"""The project's settings plus one test-only page, /__echo__/, that shows what reached
Django through nginx (tests/stack/test_proxy.py runs its stack's workers with these)."""

from innovation_track.settings import *  # noqa: F403

ROOT_URLCONF = "tests.stack.echo_urls"
