"""DSSE v1 envelopes (Dead Simple Signing Envelope), signed and verified with Ed25519.

Colophon's claims travel in the envelope format of https://github.com/secure-systems-lab/dsse so
that anyone can check them with an independent implementation (securesystemslib, sigstore,
in-toto tools). The signature covers the pre-authentication encoding (PAE) of the payload type and
the payload, never the JSON around them, so whitespace or field order in the envelope cannot
change what was signed.

`parse` is deliberately stricter than the DSSE specification: the field set is exact, base64 must
be standard and canonical (one spelling per byte string, so an envelope cannot be altered while
still verifying), every signature carries a non-empty ``keyid`` that no other signature in the same
envelope repeats, and sizes are capped. Anything else is a `MalformedError`; a well-formed
envelope whose signature does not check out is a `SignatureError`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import pybase64
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import keys, strictjson
from .background import workers
from .errors import MalformedError, SignatureError

__all__ = [
    "MAX_ENVELOPE_BYTES",
    "MAX_SIGNATURES",
    "PAYLOAD_TYPE_INTOTO",
    "Envelope",
    "Signature",
    "SignerNotFoundError",
    "keyid_for",
    "pae",
    "parse",
    "sign",
    "sign_to_json",
    "verify",
    "verify_soon",
]

#: the payload type of an in-toto Statement, the only one Colophon signs claims with
PAYLOAD_TYPE_INTOTO = "application/vnd.in-toto+json"

#: the largest serialized envelope `parse` reads unless told otherwise
MAX_ENVELOPE_BYTES = 256 * 1024 * 1024
#: the most signatures one envelope may carry
MAX_SIGNATURES = 16
_MAX_KEYID_CHARS = 256
_MAX_SIG_B64_CHARS = 1024  # a 4096-bit RSA signature is 684; Ed25519 is 88
_MAX_PAYLOAD_TYPE_CHARS = 256
_MAX_ENVELOPE_DEPTH = 8  # the envelope itself is three levels deep; the payload is opaque bytes

_FIELDS = frozenset({"payload", "payloadType", "signatures"})
_SIGNATURE_FIELDS = frozenset({"keyid", "sig"})
_PRINTABLE = re.compile(r"[\x21-\x7e]+")  # visible ASCII, no spaces or control characters
_PAYLOAD_FIRST = b'{"payload":"'  # how an envelope in canonical form starts (see `_split_payload`)
_QUOTE = re.compile(b'"')  # `bytes.find` for views as well
# An envelope's text after its payload, its type and signatures, fits in this: `parse` accepts at
# most 16 signatures of a 256-character key id and a 1,024-character signature (about 21 KB).
_TAIL_BYTES = 64 * 1024


class SignerNotFoundError(SignatureError):
    """The envelope carries no signature with the key id being looked for."""


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature of an envelope: the signer's key id (a hint) and the raw signature bytes."""

    keyid: str
    sig: bytes


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed, well-formed DSSE envelope. Nothing in it has been verified yet."""

    payload: bytes
    payload_type: str
    signatures: tuple[Signature, ...]

    def pae(self) -> bytes:
        """The bytes every signature of this envelope is made over."""
        return pae(self.payload_type, self.payload)

    def to_dict(self) -> dict[str, Any]:
        """The envelope as a JSON-ready dict, in the form `parse` reads back."""
        return {
            "payload": _b64encode(self.payload),
            "payloadType": self.payload_type,
            "signatures": [{"keyid": s.keyid, "sig": _b64encode(s.sig)} for s in self.signatures],
        }


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: ``DSSEv1 SP len(type) SP type SP len(body) SP body``.

    Lengths are decimal byte counts; the type is encoded as UTF-8. The body is joined on rather
    than formatted in: `bytes.join` copies a megabyte or more with the interpreter lock let go, so
    a large claim's copy, made on a worker thread (`verify_soon`), does not hold up the thread
    that parses the claim meanwhile.
    """
    type_bytes = payload_type.encode("utf-8")
    head = b"DSSEv1 %d %b %d " % (len(type_bytes), type_bytes, len(payload))
    return b"".join((head, bytes(payload)))


def sign(
    payload: bytes,
    payload_type: str,
    private_key: Ed25519PrivateKey,
    keyid: str | None = None,
) -> dict[str, Any]:
    """Sign ``payload`` and return the envelope as a JSON-ready dict with one signature.

    ``keyid`` defaults to `keyid_for` the key's public half, which is what independent verifiers
    (securesystemslib) compute for the same key.
    """
    return {
        "payload": _b64encode(payload),
        "payloadType": payload_type,
        "signatures": [_signature(payload, payload_type, private_key, keyid)],
    }


def sign_to_json(
    payload: bytes,
    payload_type: str,
    private_key: Ed25519PrivateKey,
    keyid: str | None = None,
) -> bytes:
    """`sign`, returning the envelope as canonical JSON: the bytes ``strictjson.dumps`` gives.

    Made in pieces, because the payload's base64 text is JSON as it is (its 65 characters need
    no escape): a large claim's text is not copied into a Python string and then scanned again
    for characters to escape, which would take as long as signing it.
    """
    signature = _signature(payload, payload_type, private_key, keyid)
    # Canonical order: "payload" < "payloadType" < "signatures".
    return b"".join(
        (
            b'{"payload":"',
            pybase64.b64encode(payload),
            b'","payloadType":',
            strictjson.dumps(payload_type),
            b',"signatures":',
            strictjson.dumps([signature]),
            b"}",
        )
    )


def _signature(
    payload: bytes, payload_type: str, private_key: Ed25519PrivateKey, keyid: str | None
) -> dict[str, str]:
    if keyid is None:
        keyid = keyid_for(private_key.public_key())
    return {"keyid": keyid, "sig": _b64encode(private_key.sign(pae(payload_type, payload)))}


def parse(
    source: Mapping[str, Any] | bytes | memoryview | str,
    *,
    max_bytes: int = MAX_ENVELOPE_BYTES,
    part: str = "envelope",
) -> Envelope:
    """Read an envelope from its serialized JSON or from an already parsed dict, strictly.

    Raises `MalformedError` naming the offending field for anything that is not exactly a DSSE
    envelope as Colophon writes them (see the module docstring for what "exactly" means).
    """
    payload: bytes | None = None
    if isinstance(source, bytes | bytearray | memoryview | str):
        split = _split_payload(source, max_bytes=max_bytes, part=part)
        if split is not None:
            obj, payload = split
        else:
            obj = strictjson.loads(
                source if isinstance(source, bytes | str) else bytes(source),
                max_bytes=max_bytes,
                max_depth=_MAX_ENVELOPE_DEPTH,
                part=part,
            )
    else:
        obj = source
    if not isinstance(obj, Mapping):
        raise MalformedError(part, "must be a JSON object.")
    _exact_fields(obj, _FIELDS, part)

    payload_type = obj["payloadType"]
    if not isinstance(payload_type, str) or not _PRINTABLE.fullmatch(payload_type):
        raise MalformedError(
            f"{part}.payloadType", "must be a non-empty text of visible ASCII characters."
        )
    if len(payload_type) > _MAX_PAYLOAD_TYPE_CHARS:
        raise MalformedError(
            f"{part}.payloadType", f"is longer than {_MAX_PAYLOAD_TYPE_CHARS} characters."
        )
    if payload is None:
        payload = _b64decode(obj["payload"], f"{part}.payload", max_chars=_b64_len(max_bytes))

    raw_signatures = obj["signatures"]
    if not isinstance(raw_signatures, list):
        raise MalformedError(f"{part}.signatures", "must be a list.")
    if not raw_signatures:
        raise MalformedError(f"{part}.signatures", "is empty; an envelope needs a signature.")
    if len(raw_signatures) > MAX_SIGNATURES:
        raise MalformedError(f"{part}.signatures", f"has more than {MAX_SIGNATURES} signatures.")
    signatures: list[Signature] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_signatures):
        where = f"{part}.signatures[{index}]"
        signature = _parse_signature(raw, where)
        if signature.keyid in seen:
            raise MalformedError(f"{where}.keyid", "repeats the key id of another signature.")
        seen.add(signature.keyid)
        signatures.append(signature)
    return Envelope(payload=payload, payload_type=payload_type, signatures=tuple(signatures))


def _split_payload(
    raw: bytes | bytearray | memoryview | str, *, max_bytes: int, part: str
) -> tuple[dict[str, Any], bytes] | None:
    """An envelope in the form Colophon writes, read without copying its payload's text around.

    Returns the envelope parsed with an empty ``payload`` text, and the payload decoded; or None
    when the envelope is not in that form or has any fault, for the general path to read (and,
    if need be, to refuse with the message that says why).

    The form is ``{"payload":"<base64>",...}``, the payload first, as `sign_to_json` and every
    canonical writer put it. The text is taken to run to the next quote; when what lies between
    is canonical base64, it holds no quote, no backslash and nothing else JSON escapes, so that
    quote does end the text and the text's value is those bytes as they are. The document is
    then valid, strict JSON exactly when the same document with that text emptied is, and both
    hold the same values but the payload. The large text (most of a claim bundle) is thus
    decoded straight from the file's bytes: never made into a Python string, written again and
    compared for the canonical check, nor scanned for structure (nor copied, from a view).
    """
    if isinstance(raw, str) or len(raw) > max_bytes:
        return None
    raw = memoryview(raw)
    begin = len(_PAYLOAD_FIRST)
    if raw[:begin] != _PAYLOAD_FIRST:
        return None
    end = _payload_end(raw, begin)
    if end is None:
        return None
    payload = _canonical_b64decode(raw[begin:end])
    if payload is None:
        return None
    try:
        obj = strictjson.loads(
            _PAYLOAD_FIRST + raw[end:],
            max_bytes=max_bytes,
            max_depth=_MAX_ENVELOPE_DEPTH,
            part=part,
        )
    except MalformedError:
        return None
    return obj, payload


def _payload_end(raw: memoryview, begin: int) -> int | None:
    """Where the first quote at or after ``begin`` is, if the text from ``begin`` up to it can
    be the payload's canonical base64; the caller decodes that text, which holds no quote when
    it decodes, and so proves the answer.

    After the payload come only its type and the signatures: the quote is looked for in the
    last kilobytes first (`_TAIL_BYTES`), copied out, where `bytes.find` runs at memory speed (a
    view has no ``find``, and a regular expression reads a 40 MiB payload byte by byte). The
    first quote there ends the payload unless the text before those kilobytes has one, which its
    decoding then refuses. Failing that, the whole text is searched.
    """
    tail_from = max(begin, len(raw) - _TAIL_BYTES)
    found = raw[tail_from:].tobytes().find(b'"')
    if found >= 0:
        return tail_from + found
    match = _QUOTE.search(raw, begin)
    return None if match is None else match.start()


def verify(
    envelope: Envelope | Mapping[str, Any] | bytes | str,
    public_key: Ed25519PublicKey,
    keyid: str | None = None,
) -> bytes:
    """Return the payload if a signature with ``keyid`` verifies with ``public_key``; else raise.

    ``keyid`` defaults to `keyid_for` ``public_key``. Raises `SignerNotFoundError` if no
    signature carries that key id, `SignatureError` if none of those that do verifies, and
    `MalformedError` if ``envelope`` is given unparsed and is not well-formed.
    """
    if not isinstance(envelope, Envelope):
        envelope = parse(envelope)
    if keyid is None:
        keyid = keyid_for(public_key)
    candidates = [s for s in envelope.signatures if s.keyid == keyid]
    if not candidates:
        raise SignerNotFoundError(f"The envelope has no signature from the key {keyid}.")
    message = envelope.pae()
    for candidate in candidates:
        try:
            public_key.verify(candidate.sig, message)
        except InvalidSignature:
            continue
        return envelope.payload
    raise SignatureError(
        f"The signature from the key {keyid} does not match the signed content; "
        "it was altered or made with another key."
    )


def verify_soon(
    envelope: Envelope, public_key: Ed25519PublicKey, keyid: str | None = None
) -> Future[bytes]:
    """Start `verify` on a worker thread and return its future result.

    Checking an Ed25519 signature hashes the whole payload (milliseconds for a large claim) in
    OpenSSL, which lets other Python threads run meanwhile: a caller that knows the key before it
    has parsed the payload gets the check done alongside the parsing.
    """
    return workers().submit(verify, envelope, public_key, keyid)


def keyid_for(public_key: Ed25519PublicKey) -> str:
    """securesystemslib's default key id for an Ed25519 key (``SSlibKey.from_crypto(...).keyid``).

    One definition for the whole project lives in `colophon.core.keys.key_id`.
    """
    return keys.key_id(public_key)


def _parse_signature(raw: Any, where: str) -> Signature:
    if not isinstance(raw, Mapping):
        raise MalformedError(where, "must be a JSON object.")
    _exact_fields(raw, _SIGNATURE_FIELDS, where)
    keyid = raw["keyid"]
    if not isinstance(keyid, str) or not _PRINTABLE.fullmatch(keyid):
        raise MalformedError(
            f"{where}.keyid", "must be a non-empty text of visible ASCII characters."
        )
    if len(keyid) > _MAX_KEYID_CHARS:
        raise MalformedError(f"{where}.keyid", f"is longer than {_MAX_KEYID_CHARS} characters.")
    sig = _b64decode(raw["sig"], f"{where}.sig", max_chars=_MAX_SIG_B64_CHARS)
    if not sig:
        raise MalformedError(f"{where}.sig", "is empty.")
    return Signature(keyid=keyid, sig=sig)


def _exact_fields(obj: Mapping[str, Any], expected: frozenset[str], part: str) -> None:
    keys = set(obj)
    missing = sorted(expected - keys)
    if missing:
        raise MalformedError(part, f"lacks the field {missing[0]!r}.")
    unknown = sorted(str(k) for k in keys - expected)
    if unknown:
        raise MalformedError(part, f"has the unknown field {unknown[0]!r}.")


def _b64_len(nbytes: int) -> int:
    return 4 * ((nbytes + 2) // 3)


def _b64encode(data: bytes) -> str:
    return pybase64.b64encode(data).decode("ascii")  # SIMD: a 40 MiB payload in milliseconds


def _b64decode(value: Any, part: str, *, max_chars: int) -> bytes:
    if not isinstance(value, str):
        raise MalformedError(part, "must be a base64 text.")
    if len(value) > max_chars:
        raise MalformedError(part, f"is longer than the limit of {max_chars} characters.")
    data = _canonical_b64decode(value)
    if data is not None:
        return data
    # Anything else is refused below, with the message that says why.
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedError(part, "is not valid standard base64.") from exc
    if _b64encode(data) != value:
        # Non-zero padding bits or a missing "=": a second spelling of the same bytes.
        raise MalformedError(part, "is not canonical base64 (stray bits or missing padding).")
    return data


def _canonical_b64decode(text: str | bytes | memoryview) -> bytes | None:
    """The bytes ``text`` spells in standard, canonical base64; None if it spells none that way.

    The usual case, in one pass over the text: strict decoding refuses every character outside
    the alphabet and any "=" but one or two at the end; with whole groups of four, only the last
    group can then spell its bytes another way (bits the padding should have zeroed), so
    re-encoding that group alone is as good as re-encoding everything.
    """
    if len(text) % 4:
        return None
    try:
        # pybase64 (SIMD) with validate=True accepts no more than binascii's strict mode, and
        # refuses non-ASCII text too; it decodes tens of times faster.
        data = pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    tail = len(data) - 3 * (len(text) // 4 - 1) if len(text) else 0
    last = text[-4:]
    last_bytes = last.encode() if isinstance(last, str) else bytes(last)
    if binascii.b2a_base64(data[len(data) - tail :], newline=False) != last_bytes:
        return None
    return data
