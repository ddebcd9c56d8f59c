"""A mistyped or echoed secret never leaves a transport, and the ledger stays consistent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import SecretStr

from spacebrief.alerts.blocks import MessageBody
from spacebrief.alerts.exceptions import AlertsError, SlackConfigurationError
from spacebrief.alerts.transports import WebhookTransport, redact
from spacebrief.flows.steps.alerts_step import deliver_alerts

SECRET = "Zq8sECRETwebhookTOKEN42"


class EchoingProxy(BaseHTTPRequestHandler):
    """An enterprise proxy whose error page quotes the path it was asked for."""

    status = 400

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = f"no route for {self.path} (full url http://{self.headers['Host']}{self.path})"
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())


@pytest.fixture
def proxy() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_redact_blanks_the_url_its_path_and_its_segments():
    url = f"https://hooks.slack.com/services/T000/B000/{SECRET}"
    text = redact(f"unknown url type: {url!r}; path /services/T000/B000/{SECRET}; {SECRET}", url)
    assert SECRET not in text and "T000/B000" not in text


@pytest.mark.parametrize("status", [400, 404, 500])
def test_an_error_page_echoing_the_webhook_url_is_redacted(proxy, status, monkeypatch):
    monkeypatch.setattr(EchoingProxy, "status", status)
    url = f"http://127.0.0.1:{proxy.server_address[1]}/services/T0001/B0001/{SECRET}"
    transport = WebhookTransport(url, timeout=5)
    with pytest.raises(AlertsError) as raised:
        transport.post("k", [], MessageBody("hello", []), thread_ts=None, reply_to=None)
    assert SECRET not in str(raised.value) and "B0001" not in str(raised.value)


def test_a_webhook_url_without_a_scheme_leaves_no_secret_and_no_alert_sending(outbox_home):
    settings, warehouse, stories = outbox_home
    stories.destination = "webhook"
    for n in range(3):
        stories.add(f"Egypt joins ILRS, report {n}", {"W1": 0.8})
    # Past start-up validation (as a Settings built in code could be): the transport itself
    # must still answer in one sentence that quotes nothing.
    broken = settings.model_copy(
        update={"slack_webhook_url": SecretStr(f"hooks.slack.com/services/T000/B000/{SECRET}")}
    )
    with pytest.raises(SlackConfigurationError) as raised:
        deliver_alerts(warehouse, broken)
    assert SECRET not in str(raised.value) and "incoming webhook's URL" in str(raised.value)
    assert raised.value.setting == "slack_webhook_url"
    ledger = stories.ledger()
    assert [row["status"] for row in ledger] == ["pending"] * 3
    assert not any(SECRET in (row["last_error"] or "") for row in ledger)
