"""Serving the reading room: check where it may listen, then uvicorn."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

from spacebrief.web.app import create_app
from spacebrief.web.config import RoomConfig, is_loopback
from spacebrief.web.exceptions import WebError

if TYPE_CHECKING:
    from spacebrief.core import Spacebrief


def check_address(host: str, token: str | None) -> None:
    """Refuse to serve the warehouse beyond this machine without a feedback token."""
    if not is_loopback(host) and token is None:
        raise WebError(
            f"Refusing to serve the reading room on {host} without a feedback token: anyone "
            "who can reach that address could read the warehouse; give the room a token "
            "(then every page asks to sign in) or keep the default 127.0.0.1.",
            host=host,
            setting="web_token",
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
                "program (another reading room?) holds it; choose another port.",
                host=host,
                port=port,
                parameter="port",
            ) from None


def serve(
    handle: Spacebrief,
    *,
    host: str,
    port: int,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the handle's warehouse until Ctrl-C (uvicorn's signal handling stops it
    cleanly), the settings' token letting analysts teach; `on_ready` hears where, once
    the address and port are known to be usable and the schema is current."""
    import uvicorn

    web_token = handle.settings.web_token
    config = RoomConfig(
        handle=handle,
        token=web_token.get_secret_value() if web_token else None,
        host=host,
        port=port,
    )
    check_address(config.host, config.token)
    check_port(config.host, config.port)
    handle.initialise()  # the pages read tables the newest migrations add
    if on_ready is not None:
        mode = "analysts who sign in with the token can teach" if config.token else "read-only"
        shown = f"[{host}]" if ":" in host else host
        on_ready(f"Reading room on http://{shown}:{port}/ ({mode}); Ctrl-C stops.")
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
