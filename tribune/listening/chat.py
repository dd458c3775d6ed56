"""Chat channels for alerts: Matrix (client-server API) and XMPP (slixmpp).

Both talk to a server whose address an administrator typed, so both go through the
private-address guard of ``tribune.core.outbound`` (loopback and private networks are
refused unless ``TRIBUNE_ALLOW_PRIVATE_URLS`` is set, the same switch as webhooks and
feeds). Every failure is a ``ChatError`` whose message is a sentence for the delivery log.

Matrix: ``PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}``. The transaction
id comes from the delivery row, so a retry after a timeout is the same event for the
homeserver (it answers the first event id again), never a second message. A target may be
a room id (``!abc:server``), a room alias (``#ops:server``) or a user id (``@ana:server``):
a user is paged in a direct room the bot creates once (``create_direct_room``).

XMPP: one short client session per message (connect, authenticate, send a ``chat``
message whose id is derived from the delivery, disconnect). The server keeps it for an
offline recipient. TLS (STARTTLS) is required, except to a loopback server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx

from tribune.core.outbound import PrivateAddressBlocked, allow_private_default, http_client


class ChatError(Exception):
    """A delivery that did not go through; ``str()`` is a sentence for people."""


# --- Matrix ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MatrixAccount:
    homeserver: str  # https://matrix.example.org
    access_token: str


def _matrix_error(response: httpx.Response, what: str) -> ChatError:
    try:
        data = response.json()
    except ValueError:
        data = {}
    code = str(data.get("errcode", "")) if isinstance(data, dict) else ""
    detail = str(data.get("error", "")) if isinstance(data, dict) else ""
    status = response.status_code
    if status == 401 or code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
        text = (
            "The Matrix homeserver refused the bot's access token (expired or revoked): "
            "paste a new one in the on-call settings."
        )
    elif status == 403 or code == "M_FORBIDDEN":
        text = f"The Matrix bot may not {what} (not invited to the room, or not allowed)."
    elif status == 404 or code == "M_NOT_FOUND":
        text = f"The Matrix homeserver does not know this room or user ({what})."
    elif status == 429 or code == "M_LIMIT_EXCEEDED":
        text = "The Matrix homeserver is rate-limiting the bot; Tribune will try again."
    elif status >= 500:
        text = (
            f"The Matrix homeserver had an internal error (HTTP {status}); Tribune will try again."
        )
    else:
        text = f"The Matrix homeserver answered HTTP {status} when asked to {what}."
    if detail:
        text += f" ({code or status}: {detail[:150]})"
    return ChatError(text)


def _matrix_request(
    account: MatrixAccount,
    method: str,
    path: str,
    *,
    what: str,
    json: dict | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict:
    base = account.homeserver.rstrip("/")
    headers = {"Authorization": f"Bearer {account.access_token}"}
    try:
        with http_client(transport, headers=headers) as client:
            response = client.request(method, base + path, json=json or {})
    except PrivateAddressBlocked:
        raise ChatError(
            f"The Matrix homeserver {urlsplit(base).hostname} is on a private network; an "
            "administrator must allow private addresses (TRIBUNE_ALLOW_PRIVATE_URLS)."
        ) from None
    except httpx.TimeoutException:
        raise ChatError(f"The Matrix homeserver {base} did not answer in time.") from None
    except httpx.HTTPError as exc:
        raise ChatError(f"Could not reach the Matrix homeserver {base} ({exc}).") from None
    if response.status_code >= 300:
        raise _matrix_error(response, what)
    try:
        body = response.json()
    except ValueError:
        raise ChatError(f"The Matrix homeserver {base} did not answer JSON.") from None
    return body if isinstance(body, dict) else {}


def _room(value: str) -> str:
    return quote(value, safe="")


def join_room(
    account: MatrixAccount, room: str, transport: httpx.BaseTransport | None = None
) -> str:
    """Join a room (id or alias) the bot was invited to; returns the room id."""
    body = _matrix_request(
        account,
        "POST",
        f"/_matrix/client/v3/join/{_room(room)}",
        what=f"join {room}",
        transport=transport,
    )
    return str(body.get("room_id") or room)


def create_direct_room(
    account: MatrixAccount, user_id: str, transport: httpx.BaseTransport | None = None
) -> str:
    """A private direct room with ``user_id`` invited; returns its id."""
    body = _matrix_request(
        account,
        "POST",
        "/_matrix/client/v3/createRoom",
        what=f"open a direct room with {user_id}",
        json={
            "is_direct": True,
            "invite": [user_id],
            "preset": "trusted_private_chat",
            "name": "Tribune",
            "topic": "Tribune crisis alerts",
        },
        transport=transport,
    )
    room_id = body.get("room_id")
    if not room_id:
        raise ChatError("The Matrix homeserver created a room but did not say its id.")
    return str(room_id)


def matrix_send(
    account: MatrixAccount,
    room_id: str,
    txn_id: str,
    text: str,
    html: str = "",
    transport: httpx.BaseTransport | None = None,
    thread_root: str = "",
) -> str:
    """Post ``text`` to the room; returns the event id. Joins once if the bot is invited
    but not yet in the room. With ``thread_root`` (an earlier event about the same alert)
    the message goes into that event's thread (clients without threads show a reply)."""
    content: dict = {"msgtype": "m.text", "body": text}
    if html:
        content |= {"format": "org.matrix.custom.html", "formatted_body": html}
    if thread_root:
        content["m.relates_to"] = {
            "rel_type": "m.thread",
            "event_id": thread_root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": thread_root},
        }
    path = f"/_matrix/client/v3/rooms/{_room(room_id)}/send/m.room.message/{quote(txn_id, safe='')}"
    try:
        body = _matrix_request(
            account, "PUT", path, what=f"post in {room_id}", json=content, transport=transport
        )
    except ChatError as exc:
        if "may not" not in str(exc):
            raise
        join_room(account, room_id, transport)
        body = _matrix_request(
            account, "PUT", path, what=f"post in {room_id}", json=content, transport=transport
        )
    return str(body.get("event_id", ""))


def valid_matrix_target(value: str) -> bool:
    return len(value) > 3 and value[0] in "!#@" and ":" in value[2:] and " " not in value


# --- XMPP ------------------------------------------------------------------------------
@dataclass(frozen=True)
class XmppAccount:
    jid: str  # alerts@example.org
    password: str
    host: str = ""  # empty: the JID's domain
    port: int = 5222


def valid_jid(value: str) -> bool:
    local, _, domain = value.partition("@")
    return bool(local and domain and " " not in value and "/" not in local)


def _is_loopback(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def _is_public(host: str) -> bool:
    from tribune.core.outbound import is_public_host

    return is_public_host(host)


def xmpp_send(
    account: XmppAccount,
    to: str,
    text: str,
    message_id: str,
    timeout: float = 20,
    thread: str = "",
) -> None:
    """Send one chat message and disconnect; raises ChatError in plain words. Messages
    with the same ``thread`` (one per alert) are one conversation thread for clients."""
    import slixmpp

    host = account.host or account.jid.partition("@")[2].split("/")[0]
    if not allow_private_default(None) and not _is_public(host):
        raise ChatError(
            f"The XMPP server {host} is on a private network; an administrator must allow "
            "private addresses (TRIBUNE_ALLOW_PRIVATE_URLS)."
        )
    loopback = _is_loopback(host)
    outcome: dict[str, str] = {}

    async def run() -> None:
        done = asyncio.Event()

        def fail(text: str) -> None:
            outcome.setdefault("error", text)
            done.set()

        client = slixmpp.ClientXMPP(account.jid, account.password)
        # STARTTLS on the client port; a plain stream (and PLAIN auth) only on loopback.
        client.enable_direct_tls = False
        client.enable_starttls = True
        client.enable_plaintext = loopback
        client.plugin["feature_mechanisms"].unencrypted_plain = loopback

        async def on_start(_event: object) -> None:
            transport = client.transport
            if not loopback and (
                transport is None or transport.get_extra_info("ssl_object") is None
            ):
                fail(f"The XMPP server {host} did not offer TLS; nothing was sent.")
                return
            message = client.make_message(mto=to, mbody=text, mtype="chat")
            message["id"] = message_id
            if thread:
                message["thread"] = thread
            message.send()
            outcome["sent"] = "yes"
            await client.disconnect(wait=2.0)
            done.set()

        client.add_event_handler("session_start", on_start)
        client.add_event_handler(
            "failed_auth",
            lambda _e: fail(
                f"The XMPP server refused the bot's login ({account.jid}): check its password."
            ),
        )
        client.add_event_handler(
            "connection_failed",
            lambda e: fail(f"Could not reach the XMPP server {host}:{account.port} ({e})."),
        )
        client.add_event_handler(
            "disconnected", lambda _e: fail(f"The XMPP server {host} closed the session.")
        )
        client.connect(host, account.port)
        try:
            await asyncio.wait_for(done.wait(), timeout)
        except TimeoutError:
            fail(f"The XMPP server {host}:{account.port} did not answer in time.")
        client.cancel_connection_attempt()
        if client.transport:
            client.abort()

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(run())
    except OSError as exc:
        raise ChatError(f"Could not reach the XMPP server {host}:{account.port} ({exc}).") from None
    finally:
        # slixmpp leaves reader tasks behind: end them before closing the loop.
        pending = asyncio.all_tasks(loop)
        for leftover in pending:
            leftover.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
    if "sent" not in outcome:
        raise ChatError(outcome.get("error") or f"The XMPP server {host} closed the session.")
