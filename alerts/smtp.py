"""SMTP with the standard library: the server URL, one session, errors in one sentence.

The server's URL (the `smtp_url` setting) is `smtp://host:25` (plain), `smtps://host:465`
(TLS from the first byte) or `smtp+starttls://user:pass@host:587` (upgraded with
STARTTLS, the usual submission port). The password never appears in a message, a log
line or a repr: every error text passes through `SmtpServer.redact`, which also removes
the base64 forms an AUTH exchange could echo. Certificates are checked against the system's CA store
(`SSL_CERT_FILE` names another bundle, e.g. a private CA).
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from spacebrief.alerts.exceptions import EmailConfigurationError, EmailUnreachable, RecipientRefused

log = logging.getLogger(__name__)

SMTP_URL = "smtp_url"  # the setting the server's URL comes from
_ENCODE = " (write a / ? # @ or : in the password as %2F %3F %23 %40 %3A)"
_SCHEMES = {"smtp": ("plain", 25), "smtps": ("tls", 465), "smtp+starttls": ("starttls", 587)}


@dataclass(frozen=True)
class SmtpServer:
    security: str  # plain | tls | starttls
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        """`host:port`, for messages (never the credentials)."""
        return f"{self.host}:{self.port}"

    def redact(self, text: str) -> str:
        """`text` with the password, and its base64 forms an AUTH reply could echo, removed."""
        if not self.password:
            return text
        user = self.username or ""
        secrets = {
            self.password,
            base64.b64encode(self.password.encode()).decode(),
            base64.b64encode(f"\0{user}\0{self.password}".encode()).decode(),
            base64.b64encode(f"{user}\0{user}\0{self.password}".encode()).decode(),
        }
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def parse_smtp_url(url: str) -> SmtpServer:
    """The server a URL names; a one-sentence error that never shows it."""
    hint = (
        "The mail server's URL must look like smtp://host:25, smtps://host:465 or "
        "smtp+starttls://user:password@host:587"
    )
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise EmailConfigurationError(
            f"{hint}; its port is not a number{_ENCODE}.", setting=SMTP_URL
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        shown = scheme if scheme.isascii() and scheme.replace("+", "").isalnum() else "?"
        raise EmailConfigurationError(f"{hint}; its scheme is {shown!r}.", setting=SMTP_URL)
    if not parts.hostname:
        raise EmailConfigurationError(f"{hint}; it names no host.", setting=SMTP_URL)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise EmailConfigurationError(f"{hint}; it has a path or query{_ENCODE}.", setting=SMTP_URL)
    security, default_port = _SCHEMES[scheme]
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if password and not username:
        raise EmailConfigurationError(
            f"{hint}; it has a password but no user name.", setting=SMTP_URL
        )
    return SmtpServer(security, parts.hostname, port or default_port, username, password)


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{error.smtp_code} {' '.join(str(text).split())}".strip()


class SmtpTransport:
    """One SMTP session for a run: `open`, `send` per recipient, `close`."""

    def __init__(
        self,
        server: SmtpServer,
        *,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.server = server
        self.timeout = timeout
        self._context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def _tls(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def open(self) -> None:
        server = self.server
        if server.password and server.security == "plain":
            log.warning(
                "The mail server's URL logs in over plain SMTP, so the password crosses the "
                "network unencrypted: prefer smtp+starttls:// or smtps://."
            )
        try:
            if server.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=self.timeout, context=self._tls()
                )
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
            self._smtp = smtp
            smtp.ehlo()
            if server.security == "starttls":
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if server.username:
                smtp.login(server.username, server.password or "")
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise EmailConfigurationError(
                f"The SMTP server {server.where} refused the login of {server.username!r} "
                f"({server.redact(_reply(error))}): check the user and password in the mail "
                "server's URL.",
                setting=SMTP_URL,
            ) from None
        except smtplib.SMTPNotSupportedError as error:
            self.close()
            what = "STARTTLS" if server.security == "starttls" else "a login (AUTH)"
            raise EmailConfigurationError(
                f"The SMTP server {server.where} does not offer {what} "
                f"({server.redact(str(error))}): check the scheme of the mail server's URL.",
                setting=SMTP_URL,
            ) from None
        except ssl.SSLCertVerificationError as error:
            self.close()
            raise EmailConfigurationError(
                f"The certificate of the SMTP server {server.where} is not trusted "
                f"({error.verify_message}): fix the server's certificate, or name the CA "
                "bundle that signed it in SSL_CERT_FILE."
            ) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise EmailUnreachable(
                f"The SMTP server {server.where} turned the session down "
                f"({server.redact(_reply(error))}); the edition stays pending for the next run.",
                host=server.host,
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            reason = server.redact(str(error) or type(error).__name__)
            raise EmailUnreachable(
                f"Could not reach the SMTP server {server.where} ({reason}); the edition "
                "stays pending for the next run.",
                host=server.host,
            ) from None

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        if self._smtp is None:
            raise EmailUnreachable(
                f"No SMTP session with {self.server.where} is open.", host=self.server.host
            )
        redact = self.server.redact
        try:
            self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()), (550, b""))
            reply = _reply(smtplib.SMTPResponseException(code, text))
            raise RecipientRefused(
                f"The SMTP server refused the recipient {recipient} ({redact(reply)}).",
                permanent=code >= 500,
                recipient=recipient,
            ) from None
        except smtplib.SMTPSenderRefused as error:
            raise EmailConfigurationError(
                f"The SMTP server {self.server.where} refused the sender {sender} "
                f"({redact(_reply(error))}): check the sender address.",
                setting="email_from",
                recipient=recipient,
            ) from None
        except smtplib.SMTPDataError as error:
            raise RecipientRefused(
                f"The SMTP server refused the message to {recipient} ({redact(_reply(error))}).",
                permanent=error.smtp_code >= 500,
                recipient=recipient,
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            reason = redact(str(error) or type(error).__name__)
            raise EmailUnreachable(
                f"The SMTP server {self.server.where} dropped the session while sending to "
                f"{recipient} ({reason}); what was not confirmed stays pending for the next run.",
                host=self.server.host,
                recipient=recipient,
            ) from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
