"""The reading room's Starlette application: its routes, its guard and its errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spacebrief.warehouse.exceptions import WarehouseError, WarehouseLocked
from spacebrief.warehouse.reader import HeldReader
from spacebrief.web import reading, teaching
from spacebrief.web.config import RoomConfig
from spacebrief.web.render import message
from spacebrief.web.security import RoomSecurity


def _stylesheet(request: Request) -> Response:
    css = resources.files("spacebrief.web").joinpath("templates", "room.css").read_bytes()
    return Response(css, media_type="text/css", headers={"cache-control": "max-age=3600"})


async def _busy(request: Request, error: Exception) -> Response:
    return message(
        request, "The warehouse is busy", f"{error} This page will work once it is free.", 503
    )


async def _unavailable(request: Request, error: Exception) -> Response:
    return message(request, "The warehouse cannot be read", str(error), 503)


def create_app(config: RoomConfig) -> Starlette:
    reader = HeldReader(
        config.warehouse,
        idle_seconds=config.reader_idle_seconds,
        pause_seconds=0.5 if config.reader_idle_seconds else 0.0,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        reader.close()  # the file is free the moment the room stops

    routes = [
        Route("/", reading.home),
        Route("/editions", reading.home),
        Route("/editions/{edition_id}", reading.edition),
        Route("/items", reading.items),
        Route("/items/{item_id}", reading.item),
        Route("/items/{item_id}/feedback", teaching.feedback, methods=["POST"]),
        Route("/search", reading.search),
        Route("/rules", teaching.save_rule, methods=["POST"]),
        Route("/entities", reading.entities),
        Route("/entities/{name}", reading.entity),
        Route("/login", teaching.sign_in_page),
        Route("/login", teaching.sign_in, methods=["POST"]),
        Route("/logout", teaching.sign_out, methods=["POST"]),
        Route("/room.css", _stylesheet),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                RoomSecurity,
                allowed_hosts=config.allowed_hosts(),
                read_token=None if config.private else config.token,
            )
        ],
        exception_handlers={WarehouseLocked: _busy, WarehouseError: _unavailable},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.reader = reader
    return app
