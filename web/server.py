"""`spacebrief web`: check where it may listen, then serve the reading room with uvicorn."""

from __future__ import annotations

import socket

from spacebrief.web.app import create_app
from spacebrief.web.config import RoomConfig, is_loopback
from spacebrief.web.exceptions import WebError


def check_address(host: str, token: str | None) -> None:
    """Refuse to serve the warehouse beyond this machine without a feedback token."""
    if not is_loopback(host) and token is None:
        raise WebError(
            f"Refusing to serve the reading room on {host} without a feedback token: anyone "
            "who can reach that address could read the warehouse; set SPACEBRIEF_WEB_TOKEN "
            "(then every page asks to sign in) or keep the default 127.0.0.1."
        )


def check_port(host: str, port: int) -> None:
    """A port already taken is one sentence, not uvicorn's log line and exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            raise WebError(
                f"Cannot listen on {host} port {port} ({error.strerror or error}): another "
                "program (another reading room?) holds it; choose another with --port."
            ) from None


def serve(config: RoomConfig) -> None:
    """Serve until Ctrl-C (uvicorn's signal handling stops it cleanly)."""
    import uvicorn

    check_address(config.host, config.token)
    check_port(config.host, config.port)
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
