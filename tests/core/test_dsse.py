"""DSSE envelopes: the PAE, strict parsing, Ed25519 verification, interop with securesystemslib."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import os
import select
import signal
import threading
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from colophon.core import dsse, strictjson
from colophon.core.errors import MalformedError, SignatureError

PAYLOAD = b'{"_type":"https://in-toto.io/Statement/v1","subject":[]}'
TYPE = dsse.PAYLOAD_TYPE_INTOTO
# A fixed key keeps failures reproducible (hypothesis replays the same bytes).
PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = PRIVATE.public_key()
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def signed(payload: bytes = PAYLOAD) -> dict[str, Any]:
    return dsse.sign(payload, TYPE, PRIVATE)


def rejects(obj: Any, part: str, match: str) -> None:
    with pytest.raises(MalformedError, match=match) as info:
        dsse.parse(obj)
    assert info.value.part == part


# --- PAE, sign, verify -------------------------------------------------------------------------


def test_pae_matches_the_specification_example() -> None:
    assert dsse.pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_utf8_bytes_not_characters() -> None:
    assert dsse.pae("é", b"") == b"DSSEv1 2 \xc3\xa9 0 "


def test_sign_produces_the_documented_shape() -> None:
    env = signed()
    assert set(env) == {"payload", "payloadType", "signatures"}
    assert base64.b64decode(env["payload"]) == PAYLOAD
    assert env["payloadType"] == TYPE
    [sig] = env["signatures"]
    assert sig["keyid"] == dsse.keyid_for(PUBLIC)
    assert len(base64.b64decode(sig["sig"])) == 64


@pytest.mark.parametrize(
    ("payload", "payload_type"),
    [
        (PAYLOAD, TYPE),
        (b"", TYPE),
        (bytes(range(256)) * 3, TYPE),  # every byte value, and base64 with "+" and "/"
        (b"x", 'text/plain;note="a\\b"'),  # a type with characters JSON escapes
    ],
)
def test_sign_to_json_gives_the_canonical_form_of_the_signed_envelope(
    payload: bytes, payload_type: str
) -> None:
    made = dsse.sign_to_json(payload, payload_type, PRIVATE)
    assert made == strictjson.dumps(dsse.sign(payload, payload_type, PRIVATE))
    assert dsse.verify(dsse.parse(made), PUBLIC) == payload


def test_sign_then_verify_returns_the_payload() -> None:
    assert dsse.verify(dsse.parse(signed()), PUBLIC) == PAYLOAD


def test_verify_accepts_serialized_bytes() -> None:
    assert dsse.verify(strictjson.dumps(signed()), PUBLIC) == PAYLOAD


def test_an_empty_payload_can_be_signed_and_verified() -> None:
    assert dsse.verify(signed(b""), PUBLIC) == b""


def test_verify_with_another_key_finds_no_signature() -> None:
    with pytest.raises(dsse.SignerNotFoundError, match="no signature from the key"):
        dsse.verify(signed(), OTHER.public_key())


def test_verify_with_another_key_under_the_same_keyid_fails() -> None:
    keyid = dsse.keyid_for(PUBLIC)
    with pytest.raises(SignatureError, match="does not match") as info:
        dsse.verify(signed(), OTHER.public_key(), keyid)
    assert not isinstance(info.value, dsse.SignerNotFoundError)


def test_an_altered_payload_does_not_verify() -> None:
    env = signed()
    env["payload"] = base64.b64encode(PAYLOAD.replace(b"[]", b"[1]")).decode()
    with pytest.raises(SignatureError, match="does not match"):
        dsse.verify(env, PUBLIC)


def test_an_altered_payload_type_does_not_verify() -> None:
    env = signed()
    env["payloadType"] = "application/json"
    with pytest.raises(SignatureError, match="does not match"):
        dsse.verify(env, PUBLIC)


def test_verify_soon_checks_on_another_thread_with_the_same_verdicts() -> None:
    checked_on: list[int] = []
    real_verify = PUBLIC.verify

    class Watched:  # the public key, noting which thread uses it
        def verify(self, signature: bytes, data: bytes) -> None:
            checked_on.append(threading.get_ident())
            real_verify(signature, data)

    good = dsse.verify_soon(dsse.parse(signed()), Watched(), dsse.keyid_for(PUBLIC))  # type: ignore[arg-type]
    assert good.result(timeout=10) == PAYLOAD
    assert checked_on and checked_on[0] != threading.get_ident()

    altered = signed()
    altered["payloadType"] = "application/json"
    with pytest.raises(SignatureError, match="does not match"):
        dsse.verify_soon(dsse.parse(altered), PUBLIC).result(timeout=10)
    with pytest.raises(dsse.SignerNotFoundError):
        dsse.verify_soon(dsse.parse(signed()), OTHER.public_key()).result(timeout=10)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_verify_soon_works_in_a_process_forked_after_using_it() -> None:
    # Pipelines fork workers (multiprocessing's default on Linux); the parent's worker thread
    # does not exist in the child, so the child must not wait for it.
    assert dsse.verify_soon(dsse.parse(signed()), PUBLIC).result(timeout=10) == PAYLOAD
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports through the pipe and leaves at once
        try:
            ok = dsse.verify_soon(dsse.parse(signed()), PUBLIC).result(timeout=10) == PAYLOAD
            os.write(write, b"ok" if ok else b"wrong")
        except BaseException:
            os.write(write, b"failed")
        finally:
            os._exit(0)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 30)
        answer = os.read(read, 16) if ready else b"no answer"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # never left behind, whatever it did
        os.waitpid(pid, 0)
        os.close(read)
    assert answer == b"ok"


def test_verify_uses_the_signature_with_the_right_keyid_among_several() -> None:
    mine = signed()["signatures"][0]
    theirs = dsse.sign(PAYLOAD, TYPE, OTHER)["signatures"][0]
    env = {"payload": signed()["payload"], "payloadType": TYPE, "signatures": [theirs, mine]}
    assert dsse.verify(env, PUBLIC) == PAYLOAD
    assert dsse.verify(env, OTHER.public_key()) == PAYLOAD


def test_to_dict_round_trips() -> None:
    env = signed()
    assert dsse.parse(env).to_dict() == env


# --- strict parsing ----------------------------------------------------------------------------


def test_rejects_a_non_object() -> None:
    rejects([signed()], "envelope", "must be a JSON object")


@pytest.mark.parametrize("field", ["payload", "payloadType", "signatures"])
def test_rejects_a_missing_field(field: str) -> None:
    env = signed()
    del env[field]
    rejects(env, "envelope", f"lacks the field '{field}'")


def test_rejects_an_unknown_field() -> None:
    env = signed() | {"payloadEncoding": "base64"}
    rejects(env, "envelope", "unknown field 'payloadEncoding'")


@pytest.mark.parametrize("value", [None, 1, "", "has space", "tab\there", "é/x", ["x"]])
def test_rejects_a_bad_payload_type(value: Any) -> None:
    rejects(signed() | {"payloadType": value}, "envelope.payloadType", "visible ASCII")


def test_rejects_an_overlong_payload_type() -> None:
    rejects(signed() | {"payloadType": "a" * 257}, "envelope.payloadType", "longer than 256")


def test_rejects_a_payload_that_is_not_text() -> None:
    rejects(signed() | {"payload": 12}, "envelope.payload", "must be a base64 text")


def test_rejects_a_payload_with_characters_outside_base64() -> None:
    rejects(signed() | {"payload": "aGVsbG8*"}, "envelope.payload", "not valid standard base64")


def test_rejects_url_safe_base64() -> None:
    # b"\xfb\xff" is "+/8=" in standard base64 and "-_8=" in the URL-safe alphabet.
    rejects(signed() | {"payload": "-_8="}, "envelope.payload", "not valid standard base64")


def test_rejects_base64_without_padding() -> None:
    rejects(signed() | {"payload": "aGVsbG8"}, "envelope.payload", "not valid standard base64")


def test_rejects_base64_with_embedded_newlines() -> None:
    rejects(signed() | {"payload": "aGVs\nbG8="}, "envelope.payload", "not valid standard base64")


def test_rejects_non_canonical_base64_padding_bits() -> None:
    # "aGVsbG9=" decodes like "aGVsbG8=" ("hello") but sets bits that must be zero.
    assert base64.b64decode("aGVsbG9=", validate=True) == b"hello"
    rejects(signed() | {"payload": "aGVsbG9="}, "envelope.payload", "not canonical base64")


def test_rejects_non_ascii_base64() -> None:
    rejects(signed() | {"payload": "aGVsbG8é"}, "envelope.payload", "not valid standard base64")


def test_rejects_signatures_that_are_not_a_list() -> None:
    rejects(signed() | {"signatures": {}}, "envelope.signatures", "must be a list")


def test_rejects_an_envelope_without_signatures() -> None:
    rejects(signed() | {"signatures": []}, "envelope.signatures", "is empty")


def test_rejects_too_many_signatures() -> None:
    sigs = [{"keyid": f"k{i}", "sig": "AAAA"} for i in range(dsse.MAX_SIGNATURES + 1)]
    rejects(signed() | {"signatures": sigs}, "envelope.signatures", "more than 16 signatures")


def test_rejects_a_signature_that_is_not_an_object() -> None:
    rejects(signed() | {"signatures": ["AAAA"]}, "envelope.signatures[0]", "must be a JSON object")


def test_rejects_a_signature_without_keyid() -> None:
    rejects(
        signed() | {"signatures": [{"sig": "AAAA"}]},
        "envelope.signatures[0]",
        "lacks the field 'keyid'",
    )


def test_rejects_a_signature_without_sig() -> None:
    rejects(
        signed() | {"signatures": [{"keyid": "k"}]},
        "envelope.signatures[0]",
        "lacks the field 'sig'",
    )


def test_rejects_an_unknown_field_in_a_signature() -> None:
    sig = signed()["signatures"][0] | {"cert": "x"}
    rejects(signed() | {"signatures": [sig]}, "envelope.signatures[0]", "unknown field 'cert'")


@pytest.mark.parametrize("keyid", ["", " ", 7, None, "a b"])
def test_rejects_a_bad_keyid(keyid: Any) -> None:
    sig = signed()["signatures"][0] | {"keyid": keyid}
    rejects(signed() | {"signatures": [sig]}, "envelope.signatures[0].keyid", "visible ASCII")


def test_rejects_an_overlong_keyid() -> None:
    sig = signed()["signatures"][0] | {"keyid": "a" * 257}
    rejects(signed() | {"signatures": [sig]}, "envelope.signatures[0].keyid", "longer than 256")


def test_rejects_an_empty_sig() -> None:
    sig = signed()["signatures"][0] | {"sig": ""}
    rejects(signed() | {"signatures": [sig]}, "envelope.signatures[0].sig", "is empty")


def test_rejects_an_overlong_sig() -> None:
    sig = signed()["signatures"][0] | {"sig": "A" * 1028}
    rejects(signed() | {"signatures": [sig]}, "envelope.signatures[0].sig", "longer than the limit")


def test_rejects_a_sig_in_bad_base64() -> None:
    sig = signed()["signatures"][0] | {"sig": "not base64!"}
    rejects(signed() | {"signatures": [sig]}, "envelope.signatures[0].sig", "not valid standard")


def test_rejects_two_signatures_with_one_keyid() -> None:
    sig = signed()["signatures"][0]
    rejects(
        signed() | {"signatures": [sig, dict(sig)]},
        "envelope.signatures[1].keyid",
        "repeats the key id",
    )


def test_rejects_a_serialized_envelope_with_duplicate_keys() -> None:
    env = signed()
    text = json.dumps(env)[:-1] + ', "payload": "AAAA"}'
    rejects(text.encode(), "envelope", "key 'payload' twice")


def test_rejects_a_serialized_envelope_over_the_size_limit() -> None:
    with pytest.raises(MalformedError, match="larger than the limit"):
        dsse.parse(strictjson.dumps(signed()), max_bytes=100)


def test_rejects_invalid_json() -> None:
    rejects(b"{", "envelope", "not valid JSON")


def test_rejects_deep_nesting_in_the_envelope() -> None:
    rejects(b'{"payload": ' + b"[" * 20 + b"]" * 20 + b"}", "envelope", "nested deeper")


# A payload whose base64 runs past the last kilobytes, where the end of a payload is looked for.
LARGE = json.dumps({"text": "harbour " * 20_000}).encode()


def many_signed(count: int) -> dict[str, Any]:
    """An envelope of LARGE with ``count`` signatures under long key ids."""
    sig = signed(LARGE)["signatures"][0]
    return signed(LARGE) | {
        "signatures": [sig] + [sig | {"keyid": f"{n:03d}" + "k" * 250} for n in range(count - 1)]
    }


@pytest.mark.parametrize("count", [1, dsse.MAX_SIGNATURES])
def test_a_large_canonical_envelope_reads_as_its_parsed_form(count: int) -> None:
    envelope = many_signed(count)
    raw = strictjson.dumps(envelope)

    from_bytes, from_view = dsse.parse(raw), dsse.parse(memoryview(raw))

    assert from_bytes == from_view == dsse.parse(envelope)
    assert from_bytes.payload == LARGE and len(from_bytes.signatures) == count
    assert dsse.verify(raw, PUBLIC) == LARGE


def test_a_large_envelope_with_more_after_its_payload_than_allowed_says_why() -> None:
    # more text after the payload than any envelope `parse` accepts: the end of the payload is
    # searched for from its start, and the envelope refused for what it is
    raw = strictjson.dumps(many_signed(300))
    assert len(raw) - raw.index(b'","payloadType"') > 64 * 1024

    rejects(raw, "envelope.signatures", "more than 16 signatures")


@pytest.mark.parametrize("position", [0, 100, 5000])
def test_a_quote_put_inside_a_large_payload_is_refused(position: int) -> None:
    raw = bytearray(strictjson.dumps(signed(LARGE)))
    start = raw.index(b'"payload":"') + len(b'"payload":"')
    raw[start + position] = ord('"')

    with pytest.raises(MalformedError):
        dsse.parse(bytes(raw))


# --- key ids and interop with securesystemslib -----------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_keyid_for_equals_the_securesystemslib_default(seed: int) -> None:
    public = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32).public_key()
    assert dsse.keyid_for(public) == SSlibKey.from_crypto(public).keyid


def test_keyid_for_a_generated_key_equals_the_securesystemslib_default() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    assert dsse.keyid_for(public) == SSlibKey.from_crypto(public).keyid


def test_an_envelope_signed_by_colophon_verifies_with_securesystemslib() -> None:
    env = SslibEnvelope.from_dict(copy.deepcopy(signed()))
    accepted = env.verify([SSlibKey.from_crypto(PUBLIC)], 1)
    assert list(accepted) == [dsse.keyid_for(PUBLIC)]
    assert env.payload == PAYLOAD


def test_securesystemslib_rejects_a_tampered_colophon_envelope() -> None:
    raw = signed()
    raw["payload"] = base64.b64encode(PAYLOAD + b" ").decode()
    env = SslibEnvelope.from_dict(raw)
    with pytest.raises(VerificationError):
        env.verify([SSlibKey.from_crypto(PUBLIC)], 1)


def test_an_envelope_signed_by_securesystemslib_verifies_with_colophon() -> None:
    env = SslibEnvelope(PAYLOAD, TYPE, {})
    env.sign(CryptoSigner(PRIVATE))
    assert dsse.verify(env.to_dict(), PUBLIC) == PAYLOAD
    assert dsse.verify(json.dumps(env.to_dict(), indent=2).encode(), PUBLIC) == PAYLOAD


def test_colophon_and_securesystemslib_compute_the_same_pae() -> None:
    assert SslibEnvelope(PAYLOAD, TYPE, {}).pae() == dsse.pae(TYPE, PAYLOAD)


# --- property: a mutated envelope never yields another payload, nor an unexpected exception ------

ORIGINAL = strictjson.dumps(signed())
LARGE_ORIGINAL = strictjson.dumps(signed(LARGE))


@st.composite
def mutations(draw: st.DrawFn, original: bytes = ORIGINAL) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "replace", "delete", "insert", "duplicate"]))
        if action == "flip":
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "replace":
            data[position] = draw(st.sampled_from(b'AZaz09+/="{}[],:\\ \x00\xff'))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 8))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        else:
            end = min(len(data), position + draw(st.integers(1, 40)))
            data[position:position] = data[position:end]
    return bytes(data)


@pytest.mark.parametrize(
    ("original", "signed_payload", "examples"),
    [(ORIGINAL, PAYLOAD, 400), (LARGE_ORIGINAL, LARGE, 100)],
    ids=["small", "large"],
)
def test_mutated_envelopes_never_verify_to_another_payload(
    original: bytes, signed_payload: bytes, examples: int
) -> None:
    @settings(max_examples=examples, suppress_health_check=[HealthCheck.too_slow])
    @given(mutations(original))
    def check(data: bytes) -> None:
        try:
            payload = dsse.verify(data, PUBLIC)
        except (MalformedError, SignatureError):
            return
        assert payload == signed_payload

    check()


@settings(max_examples=200)
@given(
    st.fixed_dictionaries(
        {
            "payload": st.sampled_from([signed()["payload"], "", "AAAA"]) | st.text(max_size=12),
            "payloadType": st.sampled_from([TYPE, "x"]) | st.text(max_size=12),
            "signatures": st.lists(
                st.fixed_dictionaries(
                    {
                        "keyid": st.sampled_from([dsse.keyid_for(PUBLIC), "k"])
                        | st.text(max_size=8),
                        "sig": st.sampled_from([signed()["signatures"][0]["sig"], "AAAA"])
                        | st.text(max_size=12),
                    }
                ),
                max_size=3,
            ),
        }
    )
)
def test_structurally_mutated_envelopes_never_verify_to_another_payload(
    env: dict[str, Any],
) -> None:
    try:
        payload = dsse.verify(env, PUBLIC)
    except (MalformedError, SignatureError):
        return
    assert payload == PAYLOAD
    assert env["payloadType"] == TYPE


def read_or_refusal(read: Any) -> Any:
    try:
        return read()
    except MalformedError as exc:
        return exc.part, exc.message


def as_parsed_json(data: bytes) -> Any:
    """What reading ``data`` must give: the envelope, or the refusal, of its parsed JSON."""

    def read() -> dsse.Envelope:
        obj = strictjson.loads(
            data, max_bytes=dsse.MAX_ENVELOPE_BYTES, max_depth=8, part="envelope"
        )
        return dsse.parse(obj)

    return read_or_refusal(read)


CANONICAL = strictjson.dumps(signed())
REST = CANONICAL[CANONICAL.index(b',"payloadType"') :]


@pytest.mark.parametrize(
    "data",
    [
        CANONICAL,
        CANONICAL[:-1] + b",}",  # a fault after the payload: reported at its place in the whole
        CANONICAL[:-1] + b',"payload":"AAAA"}',
        b'{"payload":"aGVsbG9="' + REST,  # stray bits
        b'{"payload":"aGVsbG8"' + REST,
        b'{"payload":"aGVs\\bG8="' + REST,
        b'{"payload":"aGVs\\"bG8="' + REST,
        b'{"payload":""' + REST,
        b'{"payload":"AAAA' + REST,
    ],
)
def test_a_serialized_envelope_reads_as_its_parsed_json(data: bytes) -> None:
    # The bytes of an envelope in the form Colophon writes have their payload decoded straight
    # from them: whatever the bytes, the envelope or the refusal is the one the parsed JSON gives.
    assert read_or_refusal(lambda: dsse.parse(data)) == as_parsed_json(data)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(
    mutations()
    | st.builds(lambda payload: strictjson.dumps(signed(payload)), st.binary(max_size=12))
    | st.builds(
        lambda text: b'{"payload":' + strictjson.dumps(text) + REST,
        st.text(alphabet="AQRw9+/=", max_size=12) | st.text(alphabet='AQ=-_ "\\\né', max_size=8),
    )
)
def test_any_serialized_envelope_reads_as_its_parsed_json(data: bytes) -> None:
    expected = as_parsed_json(data)
    assert read_or_refusal(lambda: dsse.parse(data)) == expected
    # read in place from a bundle's bytes (a view), the same
    assert read_or_refusal(lambda: dsse.parse(memoryview(b"PK" + data)[2:])) == expected


def canonical_base64(text: str) -> bytes | None:
    """The reference: the standard library's strict decoding, kept only if it re-encodes exactly."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error, and non-ASCII text
        return None
    return data if base64.b64encode(data).decode() == text else None


@settings(max_examples=3000, deadline=None)
@given(
    st.text(alphabet="AQgwBCDaR0129+/=-_ \né", max_size=16)
    | st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode())
)
def test_payload_base64_is_read_exactly_as_the_strict_reference_reads_it(text: str) -> None:
    expected = canonical_base64(text)
    envelope = {
        "payload": text,
        "payloadType": "x/y",
        "signatures": [{"keyid": "k", "sig": "AA=="}],
    }
    if expected is None:
        with pytest.raises(MalformedError, match="base64"):
            dsse.parse(envelope)
    else:
        assert dsse.parse(envelope).payload == expected


def test_a_large_payload_round_trips_through_base64() -> None:
    payload = bytes(range(256)) * 40_000  # 10 MB: the fast path, whole groups of four
    envelope = dsse.sign(payload, "x/y", PRIVATE)
    assert dsse.parse(strictjson.dumps(envelope)).payload == payload
