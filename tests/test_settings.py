"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 30 + "-production-secret-key-with-entropy-0123456789",
    "ALLOWED_HOSTS": "kwartet.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://kwartet.example.org",
    "DATABASE_URL": "postgres://kwartet@db.example.org:5432/kwartet",
    "REDIS_URL": "redis://cache.example.org:6379/0",
}


def run_django(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in PRODUCTION and not k.startswith("SECURE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "innovation_track.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def python_settings(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_django("shell", "--no-imports", "-c", code, env=env)


def test_check_deploy_is_clean_with_production_variables():
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_embedded_default_is_sqlite_and_the_in_memory_layer():
    result = python_settings(
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'])",
        env={},
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "game.realtime.layers.InMemoryChannelLayer",
    ], result.stderr


def test_database_url_and_redis_url_switch_to_postgresql_and_redis():
    result = python_settings(
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['CONN_MAX_AGE'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'])",
        env=PRODUCTION,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "None",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
    ], result.stderr


def test_a_bad_boolean_fails_loudly():
    result = run_django("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean (true/false), got 'maybe'" in result.stderr


def test_a_bad_integer_fails_loudly():
    result = run_django("check", env={"SECURE_HSTS_SECONDS": "a year"})
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be an integer, got 'a year'" in result.stderr


def test_a_bad_database_url_fails_loudly():
    result = run_django("check", env={"DATABASE_URL": "nosuchdb://x"})
    assert result.returncode != 0
    assert "DATABASE_URL is not a valid database URL" in result.stderr


def test_daphne_serves_runserver_too():
    assert settings.INSTALLED_APPS[0] == "daphne"
    assert settings.ASGI_APPLICATION == "innovation_track.asgi.application"


def test_websockets_are_wrapped_in_the_origin_check():
    from channels.security.websocket import OriginValidator

    from innovation_track.asgi import application

    assert isinstance(application.app.application_mapping["websocket"], OriginValidator)


def test_check_deploy_warns_about_an_in_memory_layer_beside_a_shared_database():
    env = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}
    result = run_django("check", "--deploy", env=env)
    assert "game.W001" in result.stdout + result.stderr


def test_the_server_collects_garbage_less_often_and_freezes_its_start_up():
    code = (
        "import gc; before = gc.get_freeze_count(); import innovation_track.asgi;"
        "print(*gc.get_threshold(), gc.get_freeze_count() > before)"
    )
    assert python_settings(code, env={}).stdout.split() == ["50000", "50", "1000", "True"]
    tuned = {"GC_THRESHOLD_0": "9000", "GC_THRESHOLD_1": "20", "GC_THRESHOLD_2": "30"}
    assert python_settings(code, env=tuned).stdout.split() == ["9000", "20", "30", "True"]


def test_email_url_names_the_mail_server():
    result = python_settings(
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS)",
        env={"EMAIL_URL": "smtp://kwartet:p%40ss@smtp.example.org:587/?tls=True"},
    )
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "kwartet",
        "True",
    ], result.stderr


def test_a_bad_email_url_fails_loudly():
    result = run_django("check", env={"EMAIL_URL": "carrier-pigeon://loft"})
    assert result.returncode != 0
    assert "EMAIL_URL has an unknown scheme: 'carrier-pigeon'" in result.stderr
