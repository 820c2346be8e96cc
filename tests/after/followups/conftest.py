import pytest

from tests.after.followups.smtp import SmtpServer


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free loopback port, and the settings that send to it."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Innovation on Track <kwartet@example.org>"
    settings.PUBLIC_URL = "http://kwartet.test"
    yield server
    server.stop()
