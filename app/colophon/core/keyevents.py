"""Key events: a key naming its successor (rotation) or withdrawing itself (revocation).

Each event is a DSSE envelope signed by the key it is about (spec: claim-bundle.md, 10.2), so
anyone can check it without trusting whoever handed it over. Events travel inside bundles and are
kept by verifiers; `covering` decides whether an event withdraws a given claim (spec 9.4).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import dsse, strictjson
from .claimant import PublicKeyInfo
from .errors import MalformedError, SignatureError
from .fsutil import read_at_most

PAYLOAD_TYPE = "application/vnd.colophon.key-event+json"
EVENT_TYPE = "https://colophon.example/key-event/v1"
REASONS = ("compromised", "superseded", "retired")
MAX_EVENTS = 64
MAX_EVENTS_FILE_BYTES = 1024 * 1024
MAX_COMMENT = 500
#: bytes a saved revocation takes on disk, with room to spare (it is about 1 KB): checked for
#: before a key is revoked, which cannot be undone
STATEMENT_ROOM = 16 * 1024


@dataclass(frozen=True)
class KeyEvent:
    event: str  # "rotation" or "revocation"
    key: PublicKeyInfo
    new_key: PublicKeyInfo | None
    reason: str | None
    comment: str | None
    effective: datetime
    issued_at: datetime
    envelope: dict[str, Any]
    #: a rotation the new key signed too: its holder agreed to succeed the old key
    consented: bool = False

    @property
    def keyid(self) -> str:
        return self.key.keyid

    def describe(self) -> str:
        """The event in words, for messages people read (data fields keep RFC 3339)."""
        when = self.effective.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if self.event == "rotation":
            assert self.new_key is not None
            return f"replaced by the key {self.new_key.fingerprint} from {when}"
        if self.reason == "compromised":
            return f"revoked as compromised on {when}, which withdraws every claim it signed"
        return f"revoked ({self.reason}) from {when}"


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any, part: str) -> datetime:
    """An RFC 3339 time in UTC written with ``Z``, to the second (the spec's one spelling)."""
    if not isinstance(value, str):
        raise MalformedError(part, "must be a time such as 2025-03-14T09:26:53Z.")
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise MalformedError(part, "must be a time such as 2025-03-14T09:26:53Z.") from None
    return moment.replace(tzinfo=UTC)


def make_rotation(
    old: Ed25519PrivateKey,
    new: PublicKeyInfo,
    comment: str | None = None,
    now: datetime | None = None,
    *,
    new_private: Ed25519PrivateKey | None = None,
) -> dict[str, Any]:
    """The old key's signed statement that ``new`` succeeds it, effective now.

    With ``new_private`` (the new key itself) the statement is signed by both keys, so that a
    verifier knows the holder of the new key agreed (spec 10.2): Colophon's own rotations are.
    """
    envelope = _make(old, "rotation", new_key=new, reason=None, comment=comment, now=now)
    if new_private is not None:
        if PublicKeyInfo.of(new_private.public_key()).keyid != new.keyid:
            raise ValueError("new_private is not the key the rotation names")
        payload = dsse.parse(envelope).payload
        envelope["signatures"].append(
            dsse.sign(payload, PAYLOAD_TYPE, new_private)["signatures"][0]
        )
    return envelope


def make_revocation(
    key: Ed25519PrivateKey, reason: str, comment: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The key's signed statement that it must no longer be trusted, effective now."""
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {REASONS}")
    return _make(key, "revocation", new_key=None, reason=reason, comment=comment, now=now)


def _make(
    private: Ed25519PrivateKey,
    event: str,
    *,
    new_key: PublicKeyInfo | None,
    reason: str | None,
    comment: str | None,
    now: datetime | None,
) -> dict[str, Any]:
    stamp = rfc3339(now or datetime.now(UTC))
    body: dict[str, Any] = {
        "_type": EVENT_TYPE,
        "event": event,
        "key": PublicKeyInfo.of(private.public_key()).to_dict(),
        "effective": stamp,
        "issuedAt": stamp,
    }
    if new_key is not None:
        body["newKey"] = new_key.to_dict()
    if reason is not None:
        body["reason"] = reason
    if comment:
        body["comment"] = comment[:MAX_COMMENT]
    return dsse.sign(strictjson.dumps(body), PAYLOAD_TYPE, private)


def parse_event(source: Any, part: str = "key event") -> KeyEvent:
    """Read one event strictly and check it is signed by the key it is about."""
    envelope = dsse.parse(source, max_bytes=MAX_EVENTS_FILE_BYTES, part=part)
    if envelope.payload_type != PAYLOAD_TYPE:
        raise MalformedError(f"{part}.payloadType", f"must be {PAYLOAD_TYPE}.")
    body = strictjson.loads(envelope.payload, part=f"{part} payload")
    if not isinstance(body, dict) or body.get("_type") != EVENT_TYPE:
        raise MalformedError(part, f"is not a {EVENT_TYPE} statement.")
    event = body.get("event")
    required = {"_type", "event", "key", "effective", "issuedAt"}
    if event == "rotation":
        required |= {"newKey"}
    elif event == "revocation":
        required |= {"reason"}
    else:
        raise MalformedError(f"{part}.event", "must be rotation or revocation.")
    if not required <= set(body) <= required | {"comment"}:
        raise MalformedError(part, f"must have exactly the fields {sorted(required)} (+ comment).")
    key = PublicKeyInfo.from_dict(body["key"], f"{part}.key")
    new_key = (
        PublicKeyInfo.from_dict(body["newKey"], f"{part}.newKey") if "newKey" in body else None
    )
    reason = body.get("reason")
    if event == "revocation" and reason not in REASONS:
        raise MalformedError(f"{part}.reason", f"must be one of {', '.join(REASONS)}.")
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        raise MalformedError(
            f"{part}.comment", f"must be text of at most {MAX_COMMENT} characters."
        )
    if new_key is not None and new_key.keyid == key.keyid:
        raise MalformedError(f"{part}.newKey", "names the same key as the one rotated.")
    try:
        dsse.verify(envelope, key.key, key.keyid)
    except SignatureError as exc:
        raise SignatureError(
            f"The {event} statement is not signed by the key it is about."
        ) from exc
    consented = False
    if new_key is not None and any(s.keyid == new_key.keyid for s in envelope.signatures):
        try:  # a signature that claims to be the new key's must be it
            dsse.verify(envelope, new_key.key, new_key.keyid)
        except SignatureError as exc:
            raise SignatureError(
                "The rotation statement carries a signature of the new key that does not match."
            ) from exc
        consented = True
    return KeyEvent(
        event=event,
        key=key,
        new_key=new_key,
        reason=reason,
        comment=comment,
        effective=parse_time(body["effective"], f"{part}.effective"),
        issued_at=parse_time(body["issuedAt"], f"{part}.issuedAt"),
        envelope=envelope.to_dict(),
        consented=consented,
    )


def parse_events_file(data: bytes) -> list[KeyEvent]:
    """``keys/events.json`` of a bundle: a JSON array of event envelopes."""
    items = strictjson.loads(data, max_bytes=MAX_EVENTS_FILE_BYTES, part="keys/events.json")
    if not isinstance(items, list) or len(items) > MAX_EVENTS:
        raise MalformedError("keys/events.json", f"must be a list of at most {MAX_EVENTS} events.")
    return [parse_event(item, f"keys/events.json[{i}]") for i, item in enumerate(items)]


def read_events_file(path: str | os.PathLike[str]) -> list[KeyEvent] | None:
    """The events in a file that ``identity revoke`` or ``identity rotate`` wrote (one event), or
    in a ``keys/events.json`` (a list of them); None if the file holds no key event at all.

    A file that is a key event but broken or badly signed raises, saying why.
    """
    try:
        data = read_at_most(path, MAX_EVENTS_FILE_BYTES)
    except OSError:
        return None  # not for this reader to explain: the caller reads it as something else
    if data is None or data.lstrip()[:1] not in (b"{", b"["):
        return None
    try:
        value = strictjson.loads(data, max_bytes=MAX_EVENTS_FILE_BYTES, part="key event")
    except MalformedError:
        return None
    first = value[0] if isinstance(value, list) and value else value
    if not isinstance(first, dict) or first.get("payloadType") != PAYLOAD_TYPE:
        return None
    return parse_events_file(data) if isinstance(value, list) else [parse_event(value)]


def covering(keyid: str, issued_at: datetime, events: Iterable[KeyEvent]) -> KeyEvent | None:
    """The event that withdraws a claim signed by ``keyid`` at ``issued_at``, if any.

    A compromised key withdraws every claim (a thief can back-date); otherwise claims made at or
    after the event's effective time are withdrawn and earlier ones stand.
    """
    for event in events:
        if event.keyid != keyid:
            continue
        if event.event == "revocation" and event.reason == "compromised":
            return event
        if issued_at >= event.effective:
            return event
    return None


def successors(events: Iterable[KeyEvent]) -> dict[str, str]:
    """Map each rotated key id to the key id that succeeded it."""
    return {e.keyid: e.new_key.keyid for e in events if e.event == "rotation" and e.new_key}


def reachable(start: str, target: str, events: Iterable[KeyEvent]) -> bool:
    """Whether ``target`` is ``start`` or follows from it through rotations."""
    chain = successors(events)
    seen = {start}
    current = start
    while current != target:
        current = chain.get(current, "")
        if not current or current in seen:
            return False
        seen.add(current)
    return True
