"""Loopback port checks."""

import asyncio
import errno
import socket
from pathlib import Path

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on (or holds) ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The servers set SO_REUSEADDR too, so a port left in TIME_WAIT counts as free, as for them.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


async def accepts_connections(host: str, port: int, timeout_s: float = 2.0) -> bool:
    """Whether a TCP connection to ``host:port`` succeeds (a cheap check before a client's)."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except (OSError, TimeoutError):
        return False
    writer.close()
    await writer.wait_closed()
    return True


def ephemeral_hint(port: int) -> str:
    """A warning when ``port`` is one the kernel also hands out to outgoing connections."""
    try:
        low, high = (int(bound) for bound in _EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        return ""
    if not low <= port <= high:
        return ""
    return (
        f" (ports {low}-{high} also serve as source ports of outgoing connections, which hold"
        f" them for a minute after closing: prefer a port below {low})"
    )
