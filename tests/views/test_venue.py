"""Venue mode: the facilitator's laptop serves phones on the venue's Wi-Fi.

Choosing the laptop's address from its interfaces (on made-up interfaces), what the
settings open up with VENUE on (in a fresh process, as `make venue` starts one), what
`make venue` prints, and the join URL, hint and QR code on the dashboard and projector.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from collections import namedtuple

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from game.management.commands.local_welcome import terminal_qr
from game.models import Workshop
from game.room.join_links import link_key
from innovation_track import venue
from innovation_track.venue import (
    Candidate,
    choose_address,
    is_local_network_url,
    is_this_computer_url,
)
from tests.factories import client_speaking, facilitator, playable_deck
from tests.qr import decode_modules, svg_modules, terminal_modules
from tests.test_settings import python_settings

# --- choosing the address --------------------------------------------------------------------

LAPTOP_ON_WIFI = [
    Candidate("lo", "127.0.0.1"),
    Candidate("docker0", "172.17.0.1"),
    Candidate("br-5f2c7a1e9b3d", "172.18.0.1"),
    Candidate("veth1a2b3c", "169.254.10.20"),
    Candidate("virbr0", "192.168.122.1"),
    Candidate("wlp2s0", "192.168.1.20"),
]


def test_the_wifi_address_wins_over_loopback_docker_and_vm_bridges():
    assert choose_address(LAPTOP_ON_WIFI) == Candidate("wlp2s0", "192.168.1.20")


def test_a_laptop_with_only_virtual_and_loopback_interfaces_has_no_address():
    assert choose_address(LAPTOP_ON_WIFI[:-1]) is None
    assert choose_address([]) is None


def test_interfaces_that_are_down_are_skipped():
    down_wifi = [Candidate("en0", "192.168.1.5", is_up=False), Candidate("en7", "10.0.0.5")]
    assert choose_address(down_wifi) == Candidate("en7", "10.0.0.5")


def test_a_link_local_address_means_no_network_yet():
    # 169.254/16: the Wi-Fi gave no address (no DHCP answer); phones cannot reach it.
    assert choose_address([Candidate("en0", "169.254.33.7")]) is None


@pytest.mark.parametrize(
    "vpn_or_vm",
    [
        Candidate("utun3", "10.8.0.2"),  # macOS VPN
        Candidate("tun0", "10.8.0.2"),
        Candidate("wg0", "10.66.0.2"),  # WireGuard
        Candidate("tailscale0", "100.101.102.103"),
        Candidate("vboxnet0", "192.168.56.1"),
        Candidate("vmnet8", "172.16.99.1"),
        Candidate("vEthernet (WSL)", "172.29.16.1"),  # Windows
    ],
)
def test_vpn_and_vm_interfaces_are_never_chosen(vpn_or_vm):
    assert choose_address([vpn_or_vm]) is None
    assert choose_address([vpn_or_vm, Candidate("Wi-Fi", "192.168.0.12")]).interface == "Wi-Fi"


def test_a_private_address_is_preferred_to_a_public_one():
    # A university network may give the laptop a public address; a hotspot a private one.
    public_first = [Candidate("eth0", "145.97.20.30"), Candidate("wlan0", "172.20.10.3")]
    assert choose_address(public_first).address == "172.20.10.3"


def test_a_public_address_is_used_when_there_is_nothing_else():
    assert choose_address([Candidate("eth0", "145.97.20.30")]).address == "145.97.20.30"


def test_wired_and_wifi_names_are_preferred_then_the_order_given():
    # bridge100 (macOS Internet Sharing) is a real network, but less likely the room's.
    assert (
        choose_address(
            [Candidate("bridge100", "192.168.2.1"), Candidate("en0", "192.168.1.20")]
        ).interface
        == "en0"
    )
    assert (
        choose_address([Candidate("eth0", "10.0.0.2"), Candidate("wlan0", "192.168.1.3")]).interface
        == "eth0"
    )


def test_what_is_not_an_ipv4_address_is_ignored():
    assert choose_address([Candidate("en0", "fe80::1"), Candidate("en1", "not an address")]) is None


def test_the_interfaces_are_read_from_the_operating_system(monkeypatch):
    import psutil

    Addr = namedtuple("Addr", "family address netmask broadcast ptp")
    Stats = namedtuple("Stats", "isup duplex speed mtu flags")
    addrs = {
        "lo": [Addr(socket.AF_INET, "127.0.0.1", "255.0.0.0", None, None)],
        "docker0": [Addr(socket.AF_INET, "172.17.0.1", "255.255.0.0", None, None)],
        "eth0": [Addr(socket.AF_INET, "10.1.2.3", "255.255.255.0", None, None)],
        "wlan0": [
            Addr(socket.AF_INET6, "fe80::1c2d:3e4f", None, None, None),
            Addr(socket.AF_INET, "192.168.178.24", "255.255.255.0", None, None),
        ],
    }
    stats = {name: Stats(name != "eth0", 0, 0, 1500, "") for name in addrs}  # cable unplugged
    monkeypatch.setattr(psutil, "net_if_addrs", lambda: addrs)
    monkeypatch.setattr(psutil, "net_if_stats", lambda: stats)

    assert venue.interface_addresses() == [
        Candidate("lo", "127.0.0.1"),
        Candidate("docker0", "172.17.0.1"),
        Candidate("eth0", "10.1.2.3", is_up=False),
        Candidate("wlan0", "192.168.178.24"),
    ]
    assert venue.detect_address() == "192.168.178.24"


# --- is this URL for the local network only? ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://192.168.1.20:8000/j/ABC234/",
        "http://10.0.0.5/j/ABC234/",
        "http://172.16.0.1:8000/",
        "http://172.31.255.254:8000/",
        "http://172.20.10.3:8000/",  # an iPhone's hotspot
        "http://169.254.3.4:8000/",
        "http://kwartet-laptop.local:8000/j/ABC234/",
        "http://[fe80::1]:8000/",
        "http://[fd12:3456::1]:8000/",
    ],
)
def test_local_network_urls(url):
    assert is_local_network_url(url)


def test_the_venue_address_is_local_even_when_tests_play_it_on_loopback():
    assert is_local_network_url("http://127.0.0.2:8000/j/ABC234/", venue_address="127.0.0.2")
    assert not is_this_computer_url("http://127.0.0.2:8000/j/ABC234/", venue_address="127.0.0.2")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/j/ABC234/", "http://localhost:8000/", "http://[::1]:8000/"]
)
def test_loopback_is_this_computer_only_not_the_wifi(url):
    assert not is_local_network_url(url)
    assert is_this_computer_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://kwartet.example.org/j/ABC234/",
        "http://172.32.0.1:8000/",
        "http://145.97.20.30:8000/",
        "http://8.8.8.8/",
        "http://local.example.org/",
        "http://[2001:db8::1]/",
        "",
        "not a url",
        "http://[::1/",  # malformed
    ],
)
def test_other_urls_are_not_local(url):
    assert not is_local_network_url(url)


# --- the settings, in a fresh process as `make venue` starts one ------------------------------

SHOW = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps([s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.PUBLIC_URL, s.VENUE_ADDRESS]))"
)
VENUE_VARIABLES = ("VENUE", "VENUE_ADDRESS", "PUBLIC_URL", "PORT")


@pytest.fixture
def no_venue_variables(monkeypatch):
    """The processes started here see only the venue variables a test gives them."""
    for name in VENUE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def venue_settings(**env: str) -> list:
    result = python_settings(SHOW, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.usefixtures("no_venue_variables")
def test_venue_mode_lets_in_exactly_the_laptops_address_and_makes_it_the_public_url():
    hosts, origins, public_url, address = venue_settings(
        VENUE="true", VENUE_ADDRESS="127.0.0.2", PORT="8123"
    )
    assert hosts == ["127.0.0.1", "localhost", "[::1]", "127.0.0.2"]
    assert origins == ["http://127.0.0.2:8123"]
    assert public_url == "http://127.0.0.2:8123"
    assert address == "127.0.0.2"


@pytest.mark.usefixtures("no_venue_variables")
def test_the_port_defaults_to_8000_and_a_public_url_that_is_set_is_kept():
    _, origins, public_url, _ = venue_settings(VENUE="true", VENUE_ADDRESS="192.168.1.20")
    assert (origins, public_url) == (["http://192.168.1.20:8000"], "http://192.168.1.20:8000")
    _, _, public_url, _ = venue_settings(
        VENUE="true", VENUE_ADDRESS="192.168.1.20", PUBLIC_URL="http://kwartet-laptop.local:8000/"
    )
    assert public_url == "http://kwartet-laptop.local:8000"


@pytest.mark.usefixtures("no_venue_variables")
def test_without_venue_mode_nothing_changes():
    assert venue_settings() == [["127.0.0.1", "localhost", "[::1]"], [], "", ""]
    assert venue_settings(VENUE="false", VENUE_ADDRESS="127.0.0.2", PORT="8123") == [
        ["127.0.0.1", "localhost", "[::1]"],
        [],
        "",
        "",
    ]


@pytest.mark.usefixtures("no_venue_variables")
def test_venue_mode_without_a_network_says_what_to_do():
    # A laptop on no network at all: the interfaces hold nothing but loopback.
    code = (
        "import psutil, socket, collections;"
        "A = collections.namedtuple('A', 'family address netmask broadcast ptp');"
        "psutil.net_if_addrs = lambda: {'lo': [A(socket.AF_INET, '127.0.0.1', None, None, None)]};"
        "import django; django.setup()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "innovation_track.settings", "VENUE": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: VENUE is on, but this computer has no address" in result.stderr
    assert "Join the venue's Wi-Fi (or a phone's hotspot)" in result.stderr
    assert "set VENUE_ADDRESS" in result.stderr


@pytest.mark.usefixtures("no_venue_variables")
def test_a_bad_venue_address_fails_loudly():
    result = python_settings(SHOW, env={"VENUE": "true", "VENUE_ADDRESS": "http://x/"})
    assert result.returncode != 0
    assert "VENUE_ADDRESS must be an IPv4 address or a host name" in result.stderr


# --- what `make venue` prints ----------------------------------------------------------------


@pytest.fixture
def venue_mode(settings, tmp_path, monkeypatch):
    settings.VENUE = True
    settings.PUBLIC_URL = "http://127.0.0.2:8123"
    settings.LOCAL_FACILITATOR_PASSWORD_FILE = tmp_path / "local-facilitator-password"
    for name in ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.django_db
def test_the_venue_welcome_prints_the_phones_url_its_qr_code_and_the_login(venue_mode):
    out = io.StringIO()
    call_command("local_welcome", "--venue", "--port", "8123", stdout=out)
    text = out.getvalue()

    assert "Phones open:     http://127.0.0.2:8123/join/" in text
    assert "Host a session:  http://127.0.0.1:8123/host/" in text
    password = text.split("user 'facilitator', password ")[1].split()[0]
    assert authenticate(username="facilitator", password=password) is not None
    assert "same Wi-Fi" in text and "client isolation" in text and "hotspot" in text
    # The QR code in the terminal is the phones' URL, as a camera reads it.
    assert decode_modules(terminal_modules(text)) == ["http://127.0.0.2:8123/join/"]
    assert "\x1b[" not in text  # not a terminal: no colour codes


def test_the_terminal_qr_code_in_colour_is_the_same_code_black_on_white():
    url = "http://192.168.1.20:8000/join/"
    coloured = terminal_qr(url, color=True)
    assert all(line.startswith("\x1b[30;107m") for line in coloured.splitlines())
    assert decode_modules(terminal_modules(coloured)) == [url]
    assert terminal_modules(coloured) == terminal_modules(terminal_qr(url, color=False))


@pytest.mark.django_db
def test_the_venue_welcome_needs_venue_mode(settings):
    settings.VENUE = False
    with pytest.raises(CommandError, match="make venue"):
        call_command("local_welcome", "--venue", stdout=io.StringIO())


# --- the dashboard and the projector ---------------------------------------------------------

HINT_NL = "Zelfde wifi als dit scherm"
HINT_EN = "Same Wi-Fi as this screen"


@pytest.fixture
def workshop(db):
    return Workshop.objects.create(
        name="Zaal 2", code="VENUE2", facilitator=facilitator(), deck=playable_deck(themes=2)
    )


def logged_in(user, client: Client | None = None) -> Client:
    client = client or Client()
    client.force_login(user)
    return client


def page(client: Client, name: str, workshop: Workshop) -> str:
    response = client.get(reverse(name, kwargs={"code": workshop.code}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["host:session", "host:projector", "host:projector_panel"])
def test_a_local_network_join_url_is_shown_with_the_same_wifi_hint(settings, workshop, name):
    settings.PUBLIC_URL = "http://127.0.0.2:8123"
    settings.VENUE_ADDRESS = "127.0.0.2"
    client = logged_in(workshop.facilitator)
    html = page(client, name, workshop)
    assert "http://127.0.0.2:8123/j/VENUE2/" in html
    assert HINT_NL in html
    english = page(logged_in(workshop.facilitator, client_speaking("en")), name, workshop)
    assert HINT_EN in english and HINT_NL not in english


@pytest.mark.parametrize("name", ["host:session", "host:projector_panel"])
def test_a_public_join_url_has_no_wifi_hint(settings, workshop, name):
    settings.PUBLIC_URL = "https://kwartet.example.org"
    html = page(logged_in(workshop.facilitator), name, workshop)
    assert "https://kwartet.example.org/j/VENUE2/" in html
    assert HINT_NL not in html


def test_a_loopback_join_url_warns_the_facilitator_that_phones_cannot_open_it(workshop):
    html = page(logged_in(workshop.facilitator), "host:session", workshop)
    assert "http://testserver/j/VENUE2/" in html  # the test client's host: no hint
    assert HINT_NL not in html and "Telefoons kunnen dit adres niet openen" not in html
    client = logged_in(workshop.facilitator)
    local = client.get(
        reverse("host:session", kwargs={"code": workshop.code}), HTTP_HOST="127.0.0.1:8000"
    ).content.decode()
    assert "http://127.0.0.1:8000/j/VENUE2/" in local
    assert "Telefoons kunnen dit adres niet openen" in local and HINT_NL not in local
    assert "make venue" in local


def test_the_dashboard_shows_the_join_url_in_its_own_large_element(settings, workshop):
    settings.PUBLIC_URL = "http://192.168.1.20:8000"
    html = page(logged_in(workshop.facilitator), "host:session", workshop)
    url = f"http://192.168.1.20:8000/j/VENUE2/{link_key(workshop)}/"  # the signed link
    assert f'<strong class="join-url">{url}</strong>' in html
    assert f'<p class="join-hint">{HINT_NL}</p>' in html


def test_the_qr_code_encodes_the_public_join_url(settings, workshop):
    settings.PUBLIC_URL = "http://127.0.0.2:8123"
    response = logged_in(workshop.facilitator).get(
        reverse("host:qr", kwargs={"code": workshop.code})
    )
    assert response["Content-Type"] == "image/svg+xml"
    assert decode_modules(svg_modules(response.content.decode())) == [
        f"http://127.0.0.2:8123/j/VENUE2/{link_key(workshop)}/"
    ]
