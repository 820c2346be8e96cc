"""`make run` on a fresh install: a facilitator account with a printed random
password, an admin account only when asked for, and the URLs."""

import io
import stat

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def password_file(settings, tmp_path, monkeypatch):
    settings.LOCAL_FACILITATOR_PASSWORD_FILE = tmp_path / "var" / "local-facilitator-password"
    for name in ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return settings.LOCAL_FACILITATOR_PASSWORD_FILE


def welcome() -> str:
    out = io.StringIO()
    call_command("local_welcome", "--port", "8000", stdout=out)
    return out.getvalue()


def printed_password(text: str) -> str:
    return text.split("user 'facilitator', password ")[1].split()[0]


def test_a_fresh_install_prints_a_working_random_facilitator_password(password_file):
    text = welcome()
    password = printed_password(text)
    assert len(password) >= 16
    user = authenticate(username="facilitator", password=password)
    assert user is not None and user.has_perm("game.host_workshop")
    assert not user.is_superuser
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert "http://127.0.0.1:8000/host/" in text and "http://127.0.0.1:8000/join/" in text


def test_later_starts_print_the_same_password():
    assert printed_password(welcome()) == printed_password(welcome())


def test_two_installs_get_different_passwords(password_file):
    first = printed_password(welcome())
    get_user_model().objects.all().delete()
    password_file.unlink()
    assert printed_password(welcome()) != first


def test_a_password_changed_by_hand_is_not_printed_or_overwritten():
    welcome()
    user = get_user_model().objects.get(username="facilitator")
    user.set_password("my own choice of passphrase")
    user.save()
    text = welcome()
    assert "password you set" in text
    assert authenticate(username="facilitator", password="my own choice of passphrase")


def test_no_admin_account_unless_asked(monkeypatch):
    welcome()
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "ada")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin passphrase")
    welcome()
    assert authenticate(username="ada", password="a long admin passphrase").is_superuser


def test_the_players_url_says_phones_need_venue_mode_unless_public_url_is_set(settings):
    assert "/join/  (this computer only; phones: make venue)" in welcome()
    settings.PUBLIC_URL = "https://kwartet.example.org"
    text = welcome()
    assert "Players join:    https://kwartet.example.org/join/\n" in text
    assert "http://127.0.0.1:8000/host/" in text  # the facilitator stays on this computer


def test_it_says_where_mails_go_without_a_mail_server(settings):
    """`make run` and `make venue` write the plans and follow-ups into var/mail/."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(settings.BASE_DIR / "var" / "mail")
    assert "Mails (plans, follow-ups) are written as files to var/mail/" in welcome()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "var/mail" not in welcome()


def test_the_embedded_default_writes_mails_into_var_mail():
    """Without EMAIL_URL, the settings' default is the file backend in var/mail/."""
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='innovation_track.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    )
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50, "EMAIL_URL": ""}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(settings.BASE_DIR / "var" / "mail"),
    ], done.stderr
