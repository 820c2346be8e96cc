"""Venue mode: the facilitator's laptop is the server for phones on the same Wi-Fi.

``interface_addresses()`` reads this machine's network interfaces (psutil, so the same
code runs on macOS, Windows and Linux laptops) and sends nothing anywhere;
``choose_address()`` picks the address phones on the local network can reach, and is a
pure function so it is tested on made-up interfaces. ``is_local_network_url()`` tells the
templates whether a join URL only works on the local network.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

# The address ranges of a home, office or venue network, and of a phone's hotspot
# (RFC 1918): the addresses a laptop on Wi-Fi is given.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(net) for net in ("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12")
)
LINK_LOCAL = ipaddress.ip_network("169.254.0.0/16")

# Interfaces no phone is on: container and VM bridges, VPN tunnels. Matched at the start
# of the name, case-insensitively (Linux, macOS and Windows names).
VIRTUAL_INTERFACE = re.compile(
    r"^(docker|br-|veth|virbr|vmnet|vboxnet|lxcbr|lxdbr|podman|cni|flannel|cali|"
    r"tailscale|zt|wg|utun|tun|tap|vethernet|virtualbox|vmware|hyper-v)",
    re.IGNORECASE,
)
# Wired and Wi-Fi interfaces: eth0, enp3s0, wlan0, wlp2s0 (Linux), en0 (macOS),
# "Ethernet", "Wi-Fi", "WLAN" (Windows).
LAN_INTERFACE = re.compile(
    r"^(en|eth|wl|wi-?fi|ethernet|wireless|local area connection)", re.IGNORECASE
)


@dataclass(frozen=True)
class Candidate:
    """One IPv4 address of one network interface."""

    interface: str
    address: str
    is_up: bool = True


def interface_addresses() -> list[Candidate]:
    """Every IPv4 address of this machine's interfaces, read from the operating system."""
    import psutil  # only venue mode needs it

    stats = psutil.net_if_stats()
    return [
        Candidate(name, addr.address, is_up=name in stats and stats[name].isup)
        for name, addrs in psutil.net_if_addrs().items()
        for addr in addrs
        if addr.family == socket.AF_INET
    ]


def _ipv4(address: str) -> ipaddress.IPv4Address | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return ip if isinstance(ip, ipaddress.IPv4Address) else None


def choose_address(candidates: Iterable[Candidate]) -> Candidate | None:
    """The address phones on the local network most likely reach this machine at, or None.

    Skips interfaces that are down, loopback, link-local (169.254/16: no DHCP answered)
    and container, VM and VPN interfaces; prefers private-range addresses (a venue's Wi-Fi
    or a phone's hotspot), then wired and Wi-Fi interface names, then the order given.
    """
    usable = []
    for order, candidate in enumerate(candidates):
        ip = _ipv4(candidate.address)
        if (
            ip is None
            or not candidate.is_up
            or ip.is_loopback
            or ip.is_unspecified
            or ip.is_multicast
            or ip in LINK_LOCAL
            or VIRTUAL_INTERFACE.match(candidate.interface)
        ):
            continue
        private = any(ip in net for net in PRIVATE_NETWORKS)
        lan_name = bool(LAN_INTERFACE.match(candidate.interface))
        usable.append(((not private, not lan_name, order), candidate))
    return min(usable, key=lambda item: item[0])[1] if usable else None


def detect_address() -> str | None:
    """This machine's address on the local network, read from its interfaces."""
    chosen = choose_address(interface_addresses())
    return chosen.address if chosen else None


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def is_local_network_url(url: str, venue_address: str = "") -> bool:
    """Whether the URL's host is reachable only on a local network: a private-range
    (RFC 1918 or IPv6 unique-local) or link-local address, an mDNS ``*.local`` name, or
    the venue mode's own address (``venue_address``; tests play it with 127.0.0.2)."""
    host = _host(url)
    if not host:
        return False
    if host.endswith(".local") or (venue_address and host == venue_address):
        return True
    ip = _ip(host)
    if ip is None or ip.is_loopback:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        return ip.is_link_local or ip in ipaddress.ip_network("fc00::/7")
    return ip in LINK_LOCAL or any(ip in net for net in PRIVATE_NETWORKS)


def is_this_computer_url(url: str, venue_address: str = "") -> bool:
    """Whether only this computer can open the URL (127.0.0.1, localhost, ::1): no phone
    can. The venue mode's own address is never counted as that."""
    host = _host(url)
    if not host or (venue_address and host == venue_address):
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback
