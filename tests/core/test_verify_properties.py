"""Mutating a valid bundle never yields "valid" unless what was signed is still what is there.

One real bundle is mutated in every way an attacker or a damaged disk could: bytes flipped
anywhere in the zip, fields of the Statement edited (under the old signature, or signed again by
another key), members added, removed or replaced, signatures and key ids changed. For each,
`verify` must return one of the outcomes (never raise), and may say `valid` only when the signed
Statement and every member read from the zip are exactly the original ones.

The verifier is the signer's own catalog, so the unmutated bundle is `valid` and every mutation
has something to lose. "Unchanged" is judged by the standard `zipfile` module, independently of
the reader under test.
"""

from __future__ import annotations

import base64
import copy
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest
from bundle_factory import Statement, make_party, read_zip, resign, statement_of, write_zip
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colophon.core import dsse, strictjson
from colophon.core.bundle import ENVELOPE, IDENTITY
from colophon.core.catalog import Catalog
from colophon.core.claimant import PublicKeyInfo
from colophon.core.verify import Outcome, verify
from memory_keyring import MemoryKeyring

MALLORY = Ed25519PrivateKey.from_private_bytes(bytes(range(7, 39)))
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Base:
    """The original bundle, its parts, and where mutants are written."""

    path: Path
    data: bytes
    members: dict[str, bytes]
    statement: Statement
    payload: bytes
    catalog: Catalog
    ada: Ed25519PrivateKey
    mutant: Path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    root = tmp_path_factory.mktemp("properties")
    party = make_party(root / "ada")
    try:
        ids = party.add_works()
        party.catalog.update_work(ids[0], terms={"cawg.ai_training": {"use": "allowed"}})
        path = party.export().path
        members = read_zip(path)
        envelope = json.loads(members[ENVELOPE])
        yield Base(
            path=path,
            data=path.read_bytes(),
            members=members,
            statement=statement_of(members),
            payload=base64.b64decode(envelope["payload"]),
            catalog=party.catalog,
            ada=party.private_key(),
            mutant=root / "mutant.colophon",
        )
    finally:
        party.close()
        keyring.set_keyring(previous)


# -- the oracle ----------------------------------------------------------------------------------
def content_of(path: Path) -> dict[str, Any] | None:
    """What the zip holds as the standard library reads it; None if it cannot be read cleanly."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                return None
            members = {i.filename: archive.read(i) for i in infos}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    content: dict[str, Any] = {}
    for name, data in members.items():
        if name in (ENVELOPE, IDENTITY):
            # signatures may be added or re-encoded harmlessly: what counts is what they sign
            try:
                envelope = json.loads(data)
                content[name] = (envelope["payloadType"], base64.b64decode(envelope["payload"]))
            except (ValueError, KeyError, TypeError):
                return None
        else:
            content[name] = data
    return content


def assert_sound(base: Base, path: Path) -> Outcome:
    result = verify(path, base.catalog)  # must not raise
    assert isinstance(result.outcome, Outcome)
    assert result.to_dict()["outcome"] in {o.value for o in Outcome}
    if result.outcome is Outcome.VALID:
        assert content_of(path) == content_of(base.path), "a changed bundle was reported valid"
    return result.outcome


# -- mutations -----------------------------------------------------------------------------------
def flip_bytes(base: Base, data: st.DataObject) -> None:
    raw = bytearray(base.data)
    flips = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)), min_size=1, max_size=6
        ),
        label="flips",
    )
    for position, mask in flips:
        raw[position] ^= mask
    base.mutant.write_bytes(bytes(raw))


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, 100, 100.0, 99.99, -1, 10**400, 1e308, -0.0]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "allowed",
            "notAllowed",
            "constrained",
            "image",
            "summary.html",
            "0" * 64,
            "https://colophon.example/claim/v1",
            "2025-03-14T09:26:53Z",
            "\u202e",
            "x" * 600,
        ]
    ),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from nodes(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from nodes(inner, (*path, index))


def edit_statement(statement: Statement, data: st.DataObject) -> Statement:
    edited = copy.deepcopy(statement)
    target = data.draw(st.sampled_from(list(nodes(edited))[1:]), label="field")
    parent = edited
    for step in target[:-1]:
        parent = parent[step]
    last = target[-1]
    action = data.draw(st.sampled_from(["replace", "delete", "insert", "duplicate"]), "action")
    if action == "replace":
        parent[last] = data.draw(JSON_VALUES, label="value")
    elif action == "delete":
        del parent[last]
    elif action == "insert" and isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=10), label="key")] = data.draw(JSON_VALUES)
    elif action == "insert":
        parent.insert(last, data.draw(JSON_VALUES, label="item"))
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[f"{last}_"] = copy.deepcopy(parent[last])
    return edited


def edit_fields(base: Base, data: st.DataObject) -> None:
    edited = edit_statement(base.statement, data)
    members = dict(base.members)
    how = data.draw(st.sampled_from(["unsigned", "mallory", "mallory as claimant"]), "signing")
    if how == "unsigned":
        envelope = json.loads(members[ENVELOPE])
        envelope["payload"] = base64.b64encode(strictjson.dumps(edited)).decode()
        members[ENVELOPE] = strictjson.dumps(envelope)
    else:
        if how == "mallory as claimant":
            claimant = edited.get("predicate", {}).get("claimant")
            if isinstance(claimant, dict):
                claimant["publicKey"] = PublicKeyInfo.of(MALLORY.public_key()).to_dict()
        members[ENVELOPE] = resign(edited, MALLORY)
    write_zip(base.mutant, members)


NAMES = st.sampled_from(
    [
        "summary.html",
        "identity.json",
        "envelope.intoto.json",
        "keys/events.json",
        "thumbnails/" + "0" * 64 + ".png",
        "extra.txt",
        "Summary.html",
        "a/b/c",
    ]
)


def edit_members(base: Base, data: st.DataObject) -> None:
    members = dict(base.members)
    names = list(members)
    action = data.draw(st.sampled_from(["add", "remove", "replace", "swap"]), label="action")
    if action == "add":
        name = data.draw(NAMES | st.sampled_from(names), label="name")
        if name in members:
            name = "x" + name
        members[name] = data.draw(st.binary(max_size=64), label="content")
    elif action == "remove":
        del members[data.draw(st.sampled_from(names), label="name")]
    elif action == "replace":
        name = data.draw(st.sampled_from(names), label="name")
        members[name] = data.draw(
            st.binary(max_size=64) | st.sampled_from(list(base.members.values())), label="content"
        )
    else:
        a, b = data.draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        members[a], members[b] = members[b], members[a]
    write_zip(base.mutant, members)


def edit_signatures(base: Base, data: st.DataObject) -> None:
    members = dict(base.members)
    envelope = json.loads(members[ENVELOPE])
    signature = envelope["signatures"][0]
    mallory = PublicKeyInfo.of(MALLORY.public_key())
    other = MALLORY.sign(dsse.pae(envelope["payloadType"], base.payload))
    action = data.draw(
        st.sampled_from(
            ["flip sig", "keyid", "mallory sig", "add mallory", "add under ada", "none", "truncate"]
        ),
        label="action",
    )
    if action == "flip sig":
        sig = bytearray(base64.b64decode(signature["sig"]))
        sig[data.draw(st.integers(0, len(sig) - 1))] ^= data.draw(st.integers(1, 255))
        signature["sig"] = base64.b64encode(bytes(sig)).decode()
    elif action == "keyid":
        signature["keyid"] = data.draw(
            st.sampled_from([mallory.keyid, signature["keyid"].upper(), ""]) | st.text(max_size=70)
        )
    elif action == "mallory sig":
        signature["sig"] = base64.b64encode(other).decode()
    elif action == "add mallory":
        envelope["signatures"].append(
            {"keyid": mallory.keyid, "sig": base64.b64encode(other).decode()}
        )
    elif action == "add under ada":
        envelope["signatures"].insert(
            0, {"keyid": signature["keyid"], "sig": base64.b64encode(other).decode()}
        )
    elif action == "none":
        envelope["signatures"] = []
    else:
        signature["sig"] = signature["sig"][: data.draw(st.integers(0, len(signature["sig"]) - 1))]
    members[ENVELOPE] = strictjson.dumps(envelope)
    write_zip(base.mutant, members)


MUTATIONS = {
    "bytes": flip_bytes,
    "fields": edit_fields,
    "members": edit_members,
    "signatures": edit_signatures,
}


# -- the properties ------------------------------------------------------------------------------
def test_the_unmutated_bundle_is_valid(base: Base) -> None:
    write_zip(base.mutant, base.members)  # rebuilt by zipfile: same content, other bytes
    assert verify(base.path, base.catalog).outcome is Outcome.VALID
    assert verify(base.mutant, base.catalog).outcome is Outcome.VALID


@SETTINGS
@given(data=st.data())
def test_a_mutated_bundle_is_never_valid_unless_unchanged(base: Base, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(MUTATIONS)), label="mutation")
    MUTATIONS[kind](base, data)
    assert_sound(base, base.mutant)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_a_statement_edited_and_signed_by_its_claimant_is_read_as_signed(
    base: Base, data: st.DataObject
) -> None:
    # Whatever the signer's own key signs may be valid, but only as exactly what it says.
    edited = edit_statement(base.statement, data)
    members = {**base.members, ENVELOPE: resign(edited, base.ada)}
    write_zip(base.mutant, members)
    result = verify(base.mutant, base.catalog)
    assert isinstance(result.outcome, Outcome)
    if result.outcome.intact:
        assert result.claim is not None and result.claim.statement == edited


def test_the_verifier_state_survived_the_mutants(base: Base) -> None:
    assert verify(base.path, base.catalog).outcome is Outcome.VALID
