"""The written spec and its JSON Schema: the schema is valid, the spec's example passes it, the
schema refuses what the spec forbids, and the spec's securesystemslib example really verifies."""

from __future__ import annotations

import copy
import json
import math
import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft202012Validator

from colophon.core import assets, dsse, schema, strictjson
from colophon.core.errors import MalformedError
from colophon.core.schema import validate_statement

SPEC = assets.read_text("spec/claim-bundle.md")
SCHEMA = json.loads(assets.read_text("spec/claim-predicate.schema.json"))
VALIDATOR = Draft202012Validator(SCHEMA)
# RFC 8032 test 1: the key the spec's example is made with.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")


def example(label: str, language: str) -> str:
    match = re.search(rf"<!-- example: {label} -->\n```{language}\n(.*?)\n```", SPEC, re.DOTALL)
    assert match, f"the spec has no example {label!r}"
    return match.group(1)


PREDICATE: dict[str, Any] = strictjson.loads(example("predicate", "json"))


def errors(predicate: dict[str, Any]) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(predicate)]


def changed(path: str, value: Any) -> dict[str, Any]:
    """A copy of the example predicate with the item at ``path`` (dotted, ints index) replaced."""
    result = copy.deepcopy(PREDICATE)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]
    node: Any = result
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return result


_DELETE = object()


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_the_spec_example_is_valid() -> None:
    assert errors(PREDICATE) == []


def test_the_spec_example_key_fields_are_the_real_ones() -> None:
    public = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED).public_key()
    assert PREDICATE["claimant"]["publicKey"]["keyid"] == dsse.keyid_for(public)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("surprise", 1),
        ("claimant/nickname", "ada"),
        ("claimant/publicKey", _DELETE),
        ("claimant/publicKey/keyid", "74C181C7"),
        ("claimant/publicKey/fingerprint", "EH7DDX5BKSRGCYTL7BKAI36SE4NXX3KL"),
        (
            "claimant/publicKey/pem",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ),
        ("claimant/displayName", "Ada\nLovelace"),
        ("claimant/website", "ftp://ada.example"),
        ("claimant/paymentChannels/0/value", "http://wallet.example/ada"),
        ("claimant/paymentChannels/0/value", "https://wallet.example/ada?x=1"),
        ("claimant/paymentChannels/1/value", "https://bank.example/iban"),
        ("claimant/paymentChannels/0/kind", "bitcoin"),
        ("issuedAt", "2025-03-14T09:26:53+01:00"),
        ("issuedAt", "2025-03-14"),
        ("terms/cawg.ai_training", _DELETE),
        ("terms/cawg.search", {"use": "allowed"}),
        ("terms/cawg.ai_training", {"use": "maybe"}),
        ("terms/cawg.ai_training", {"use": "constrained"}),
        ("terms/cawg.ai_training", {"use": "notAllowed", "constraint_info": "why"}),
        ("compensation/model", "gift"),
        ("compensation/amount", "0,05"),
        ("compensation/amount", 0.05),
        ("compensation/currency", "eur"),
        ("compensation/currency", _DELETE),
        ("compensation", {"model": "revenueShare", "amount": "10", "currency": "EUR"}),
        ("compensation", {"model": "none", "amount": "10", "currency": "EUR"}),
        ("compensation", {"model": "negotiate", "currency": "EUR"}),  # a currency of nothing
        ("compensation", {"model": "revenueShare", "amount": "150"}),
        ("compensation", {"model": "revenueShare", "amount": "100.5"}),
        ("license", "not a license id"),
        ("license", "http://licenses.example/1"),
        ("rightsReservation", "All rights reserved, thank you very much."),
        ("works", []),
        ("works/0/digest/sha256", "3F53" + "0" * 60),
        ("works/0/digest/sha512", "00"),
        ("works/0/kind", "photograph"),
        ("works/0/title", ""),
        ("works/0/created", "14/03/2025"),
        ("works/0/contributors/0/share", 101),
        ("works/0/contributors/0/share", "100"),
        ("works/0/terms", {}),
        ("members/0/name", "envelope.intoto.json"),
        ("members/0/name", "../summary.html"),
        ("members/0/name", "thumbnails/.hidden.png"),
        ("members/0/name", "/summary.html"),
        ("claimant/email", "ada\x1b[2J@example.org"),
        ("claimant/website", "https://ada.example/\x1b]0;title\x07"),
        ("claimant/paymentChannels/0/value", "https://wallet.example/ada\x9b31m"),
        ("claimant/paymentChannels/1/value", "payto://iban/DE75512108001245126199\x1b"),
        ("works/0/description", "A harbour at dawn.\x1b[2J"),
        ("works/0/description", "Shown \u202ereversed\u202c by a bidirectional control."),
        ("claimant/displayName", "Ada Lovelace\u2028Valid: signed by your contact"),
        ("claimant/displayName", "\u202eecalevoL adA"),
        ("works/0/title", "harbour\u2029"),
        ("works/0/title", "harbour \u2066isolated\u2069"),
        ("rightsReservation", PREDICATE["rightsReservation"] + "\x07"),
        ("critical", ["not a name"]),
        ("critical", ["org.example.royalties", "org.example.royalties"]),
        ("extensions", {"Royalties": {}}),
    ],
)
def test_the_schema_refuses(path: str, value: Any) -> None:
    assert errors(changed(path, value)), f"{path} = {value!r} was accepted"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("license", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
        ("license", "LicenseRef-ada-1"),
        ("compensation", {"model": "revenueShare", "amount": "12.5"}),
        ("compensation", {"model": "revenueShare", "amount": "100.00"}),
        ("compensation", {"model": "revenueShare", "amount": "0"}),
        ("compensation", {"model": "flatFee", "amount": "1500", "currency": "EUR"}),
        # written by earlier versions of Colophon (never now): their claims stay valid
        ("compensation", {"model": "negotiate", "amount": "500", "currency": "EUR"}),
        ("compensation", {"model": "negotiate", "contact": "https://ada.example/licensing"}),
        ("compensation", {"model": "none"}),
        ("critical", ["org.example.royalties"]),
        ("extensions", {"org.example.royalties": {"schedule": [1, 2, 3]}}),
        ("claimant/paymentChannels/1/value", "payto://iban/SOGEDEFFXXX/DE75512108001245126199"),
        ("works/1/created", "2023-11-20T17:30:00Z"),
        ("works/0/description", "Two lines,\r\nthe second\twith a tab."),
    ],
)
def test_the_schema_accepts(path: str, value: Any) -> None:
    assert errors(changed(path, value)) == []


def test_the_spec_securesystemslib_example_verifies_a_real_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    private = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)
    statement = example_statement()
    envelope = dsse.sign(strictjson.dumps(statement), dsse.PAYLOAD_TYPE_INTOTO, private)
    (tmp_path / "claim.intoto.json").write_bytes(strictjson.dumps(envelope))
    (tmp_path / "ada.pub.pem").write_text(PREDICATE["claimant"]["publicKey"]["pem"])
    (tmp_path / "example.py").write_text(example("verify-with-securesystemslib", "python"))
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(tmp_path / "example.py"))
    output = capsys.readouterr().out
    assert "Sunrise over the harbour" in output
    assert "'cawg.ai_inference': 'constrained'" in output


# -- the Statement's schema, which refers to the predicate's ------------------------------------
STATEMENT_SCHEMA = json.loads(assets.read_text("spec/claim-statement.schema.json"))


def statement_errors(statement: dict[str, Any]) -> list[str]:
    """Errors from an independent validator, resolving the reference to the predicate's schema."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(SCHEMA["$id"], DRAFT202012.create_resource(SCHEMA))
    validator = Draft202012Validator(STATEMENT_SCHEMA, registry=registry)
    return [e.message for e in validator.iter_errors(statement)]


def example_statement() -> dict[str, Any]:
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [
            {"name": f"work-{i}.jpg", "digest": dict(work["digest"])}
            for i, work in enumerate(PREDICATE["works"])
        ],
        "predicateType": "https://colophon.example/claim/v1",
        "predicate": copy.deepcopy(PREDICATE),
    }


def test_the_statement_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(STATEMENT_SCHEMA)


def test_the_statement_schema_accepts_the_example_with_annotations() -> None:
    statement = example_statement()
    statement["subject"][0]["annotations"] = {"iscc": "ISCC:EEAZ7DHWMQNHXOFB"}
    assert statement_errors(statement) == []


@pytest.mark.parametrize(
    "annotations",
    [
        {"iscc": "ISCC:EAAZ7DHWMQNHXOFB"},
        {"iscc": "ISCC:EEAZ7DHWMQNHXOFB", "iscc_untrimmed": "ISCC:EEA7777777777777"},
        {"iscc": "ISCC:EEAZ7DHWMQNHXOFB", "org.example.tag": "anything, in one line"},
    ],
)
def test_the_statement_schema_accepts_fingerprints_as_the_spec_gives_them(
    annotations: dict[str, str],
) -> None:
    statement = example_statement()
    statement["subject"][0]["annotations"] = annotations
    assert statement_errors(statement) == []


def test_every_code_colophon_writes_fits_the_schema() -> None:
    from colophon.core.fingerprint import FAMILIES, int_to_code

    for family in FAMILIES:
        for body in (0, 1, 2**63, 2**64 - 1, 0x0123456789ABCDEF):
            statement = example_statement()
            code = int_to_code(body, family)
            statement["subject"][0]["annotations"] = {"iscc": code}
            if family == "image":
                statement["subject"][0]["annotations"]["iscc_untrimmed"] = code
            assert statement_errors(statement) == [], code


def test_the_statement_schema_reaches_into_the_predicate() -> None:
    statement = example_statement()
    statement["predicate"]["works"][0]["kind"] = "photograph"
    assert statement_errors(statement)


@pytest.mark.parametrize(
    ("edit", "value"),
    [
        ("name", "evil\x1b[2J.png"),
        ("name", ""),
        ("name", "n" * 1025),
        ("digest", {"sha256": "3F53" + "0" * 60}),
        ("digest", {"sha256": "0" * 64, "md5": "0" * 32}),
        ("annotations", {f"k{i}": "v" for i in range(9)}),
        ("annotations", {"iscc": "x" * 257}),
        ("annotations", {"iscc": 1}),
        ("annotations", {"iscc": "ISCC:\x1b[2J"}),
        ("annotations", {"iscc": "ISCC:!!!!"}),
        ("annotations", {"iscc": "ISCC:EEAZ7DHWMQNHXOF"}),  # a character short
        ("annotations", {"iscc": "iscc:eeaz7dhwmqnhxofb"}),
        ("annotations", {"iscc": "ISCC:KACZ7DHWMQNHXOFB"}),  # another kind of ISCC code
        ("annotations", {"iscc_untrimmed": "ISCC:EEAZ7DHWMQNHXOFB"}),  # without its iscc
        (
            "annotations",
            {"iscc": "ISCC:EAAZ7DHWMQNHXOFB", "iscc_untrimmed": "ISCC:EEAZ7DHWMQNHXOFB"},
        ),
        (
            "annotations",
            {"iscc": "ISCC:EEAZ7DHWMQNHXOFB", "iscc_untrimmed": "ISCC:EAAZ7DHWMQNHXOFB"},
        ),
        ("surprise", "x"),
    ],
)
def test_the_statement_schema_refuses_subjects(edit: str, value: Any) -> None:
    statement = example_statement()
    statement["subject"][0][edit] = value
    assert statement_errors(statement), f"subject {edit} = {value!r} was accepted"
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part.startswith("subject[0]")


def test_the_statement_schema_refuses_other_top_level_fields() -> None:
    statement = example_statement()
    statement["signature"] = "in the wrong place"
    assert statement_errors(statement)
    with pytest.raises(MalformedError):
        validate_statement(statement)


def test_schema_errors_about_a_large_value_do_not_quote_it() -> None:
    statement = example_statement()
    statement["predicate"]["works"] = {f"w{i}": {"title": "x" * 50} for i in range(2000)}
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part == "predicate.works"
    assert info.value.message.endswith("must be of type array, not an object.")
    assert len(info.value.message) < 80


@pytest.mark.parametrize(
    ("edit", "part", "says"),
    [
        (lambda s: s.__setitem__("subject", []), "subject", "is empty."),
        (
            lambda s: s["subject"][0].__setitem__("annotations", {f"k{i}": "v" for i in range(9)}),
            "subject[0].annotations",
            "has more than 8 fields.",
        ),
        (
            lambda s: s["predicate"]["works"][0].__setitem__("contributors", [{"name": "x"}] * 65),
            "predicate.works[0].contributors",
            "has more than 64 items.",
        ),
        (lambda s: s["predicate"]["works"][0].__setitem__("terms", {}), "", "is empty."),
    ],
)
def test_schema_errors_about_arrays_and_objects_are_plain(edit: Any, part: str, says: str) -> None:
    statement = example_statement()
    edit(statement)
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part.startswith(part)
    assert info.value.message.endswith(says)


def _terms_without_condition(s: dict[str, Any]) -> None:
    s["predicate"]["terms"]["cawg.ai_training"] = {"use": "constrained"}


@pytest.mark.parametrize(
    ("edit", "part", "says"),
    [
        (
            lambda s: s["predicate"]["works"][0].__setitem__("title", "evil\x1b[31mred"),
            "predicate.works[0].title",
            "holds a control character, a line break or a mark that reorders text, which one "
            "line of text may not.",
        ),
        (
            lambda s: s["predicate"]["works"][0].__setitem__("unknownField", 1),
            "predicate.works[0]",
            "has a field the format does not define ('unknownField').",
        ),
        (
            _terms_without_condition,
            "predicate.terms.cawg.ai_training",
            "lacks the field 'constraint_info'.",
        ),
        (
            lambda s: s["subject"][0]["digest"].__setitem__("sha256", "AB" * 32),
            "subject[0].digest.sha256",
            "is not a SHA-256 digest (64 lowercase hexadecimal digits).",
        ),
        (
            lambda s: s["predicate"]["works"][0].__setitem__("mime", "Image/JPEG"),
            "predicate.works[0].mime",
            "is not a media type in lower case, such as image/jpeg.",
        ),
        (
            lambda s: s["predicate"]["works"][0].__setitem__("title", ""),
            "predicate.works[0].title",
            "is empty.",
        ),
        (
            lambda s: s["predicate"]["works"][0].__setitem__("title", 5),
            "predicate.works[0].title",
            "must be of type string.",
        ),
    ],
)
def test_schema_errors_about_values_are_said_in_words(edit: Any, part: str, says: str) -> None:
    statement = example_statement()
    edit(statement)
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part == part
    assert info.value.message == f"{part}: {says}"


def _string_places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_places(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_places(v, (*path, i))]
    return [path] if isinstance(value, str) else []


def _set(statement: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        statement = statement[key]
    statement[path[-1]] = value


def test_the_quicker_schema_check_leaves_out_only_the_form_of_works_digests() -> None:
    # parse_statement checks the schema but for the form of each work's digest, which it then
    # holds equal to its subject's, checked in full. Every other text of a claim, made wrong in
    # each of these ways, must fail both checks alike.
    statement = example_statement()
    statement["subject"][0]["annotations"] = {"iscc": "ISCC:EEAZ7DHWMQNHXOFB"}
    full = schema._validator(schema.STATEMENT_SCHEMA)
    places = _string_places(statement)
    assert len(places) > 30
    for path in places:
        for wrong in ("", "AB" * 32, "line\nbreak \x1b[31m", "x" * 5000, 5, None):
            changed = copy.deepcopy(statement)
            _set(changed, path, wrong)
            work_digest = path[:2] == ("predicate", "works") and path[3:] == ("digest", "sha256")
            expected = full.is_valid(changed) or (work_digest and isinstance(wrong, str))
            assert schema.valid_but_for_work_digests(changed) is expected, (path, wrong)


def test_a_works_digest_not_in_form_is_said_so_though_it_also_differs_from_its_subject() -> None:
    from colophon.core.claim import parse_statement

    statement = example_statement()
    statement["predicate"]["works"][1]["digest"]["sha256"] = "AB" * 32
    with pytest.raises(MalformedError) as info:
        parse_statement(statement)
    assert info.value.part == "predicate.works[1].digest.sha256"
    assert info.value.message.endswith("is not a SHA-256 digest (64 lowercase hexadecimal digits).")
    statement["subject"][1]["digest"]["sha256"] = "AB" * 32  # the same: still not a digest
    with pytest.raises(MalformedError, match="is not a SHA-256 digest"):
        parse_statement(statement)


def _schema_depth(node: Any, document: dict[str, Any], open_part: Any, seen: tuple = ()) -> float:
    """The deepest nesting a value valid against ``node`` (in the schema ``document``) can
    have: an upper bound, infinite where the schema allows anything. ``open_part`` counts as
    an object whose entries are measured elsewhere."""
    if node is open_part:
        return 1
    if node is True or node == {}:
        return math.inf
    if node is False:
        return 0
    bounds = [_type_depth(node, document, open_part, seen)]
    if "$ref" in node:
        file, _, pointer = node["$ref"].partition("#")
        target = {"predicate.schema.json": SCHEMA, "": document}[file]
        key = (id(target), pointer)
        if key in seen:  # a schema that refers to itself allows any depth
            return math.inf
        resolved = target
        for step in filter(None, pointer.split("/")):
            resolved = resolved[step]
        bounds.append(_schema_depth(resolved, target, open_part, (*seen, key)))
    for sub in node.get("allOf", []):
        bounds.append(_schema_depth(sub, document, open_part, seen))
    for keyword in ("anyOf", "oneOf"):
        if keyword in node:
            branches = [_schema_depth(b, document, open_part, seen) for b in node[keyword]]
            bounds.append(max(branches))
    if "enum" in node or "const" in node:
        literals = node.get("enum", [node.get("const")])
        scalars = not any(isinstance(v, dict | list) for v in literals)
        bounds.append(0 if scalars else math.inf)  # the format's are all texts and numbers
    return min(bounds)


def _type_depth(
    node: dict[str, Any], document: dict[str, Any], open_part: Any, seen: tuple
) -> float:
    kinds = node.get("type")
    if kinds is None:
        return math.inf  # "properties" or "items" alone still let any other kind through
    depths = []
    for kind in [kinds] if isinstance(kinds, str) else kinds:
        if kind == "object":
            extra = node.get("additionalProperties", True)
            parts = [
                *node.get("properties", {}).values(),
                *node.get("patternProperties", {}).values(),
            ]
            inner = [_schema_depth(p, document, open_part, seen) for p in [*parts, extra]]
            depths.append(1 + max(inner, default=0))
        elif kind == "array":
            depths.append(1 + _schema_depth(node.get("items", True), document, open_part, seen))
        else:
            depths.append(0)
    return max(depths)


def test_the_schema_bounds_the_depth_of_every_part_of_a_claim_but_its_extensions() -> None:
    # A verifier reads a claim without measuring its depth in the bytes: the schema holds it to
    # a few levels everywhere but in predicate.extensions, which parse_statement measures, two
    # levels down (the statement, its predicate). A field added to the format that lets any
    # value in would leave a claim's depth unmeasured: this test says so.
    extensions = SCHEMA["properties"]["extensions"]
    bounded = _schema_depth(STATEMENT_SCHEMA, STATEMENT_SCHEMA, extensions)
    assert bounded <= 12, bounded
    assert _schema_depth(STATEMENT_SCHEMA, STATEMENT_SCHEMA, None) == math.inf  # they are open
    assert STATEMENT_SCHEMA["properties"]["predicate"] == {"$ref": "predicate.schema.json"}


def test_a_claim_over_the_work_limit_is_refused_briefly_before_the_schema() -> None:
    from colophon.core.claim import MAX_WORKS, parse_statement

    statement = many_works(MAX_WORKS + 1)
    with pytest.raises(MalformedError) as info:
        parse_statement(statement)
    assert info.value.part == "subject"
    assert info.value.message.endswith("lists more than 100,000 works, the limit.")


def many_works(count: int) -> dict[str, Any]:
    statement = example_statement()
    work = statement["predicate"]["works"][0]
    digests = [f"{i:064x}" for i in range(count)]
    statement["subject"] = [{"name": "w", "digest": {"sha256": d}} for d in digests]
    statement["predicate"]["works"] = [work | {"digest": {"sha256": d}} for d in digests]
    return statement


def test_a_fault_deep_in_a_long_list_is_reported_at_its_place() -> None:
    statement = many_works(300)
    statement["predicate"]["works"][275]["kind"] = "photograph"
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part == "predicate.works[275].kind"
    assert info.value.message.endswith(
        "is not one of: image, audio, video, text, code, document, other."
    )


def test_a_list_of_members_over_its_limit_is_named_with_the_limit() -> None:
    statement = example_statement()
    member = statement["predicate"]["members"][0]
    statement["predicate"]["members"] = [member] * 65_532
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part == "predicate.members"
    assert info.value.message.endswith("has more than 65,531 items.")


HOSTILE_REPORT = """
import resource, sys
from colophon.core.errors import MalformedError
from colophon.core.schema import validate_statement

numbers = list(range(10**6, 10**6 + 4_000_000))
statement = {
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": "a", "digest": {"sha256": "0" * 64}}],
    "predicateType": "https://colophon.example/claim/v1",
    "predicate": {"works": [{"digest": {"sha256": "0" * 64}, "title": "t", "kind": "image"}]},
}
where = sys.argv[1]
if where == "predicate":
    statement["predicate"] = numbers
else:
    statement["predicate"]["works"][0]["contributors"] = numbers
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    validate_statement(statement)
except MalformedError as exc:
    print(exc.part, exc.message, sep="|")
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(grown // 1024)
"""


@pytest.mark.parametrize(
    ("where", "part", "says"),
    [
        ("predicate", "predicate", "must be of type object, not an array."),
        ("contributors", "predicate.works[0].contributors", "has more than 64 items."),
    ],
)
def test_reporting_a_list_of_millions_of_numbers_costs_little_memory(
    where: str, part: str, says: str
) -> None:
    # The validator copies what it reports on: reported whole, these 4 million numbers would
    # take over a gigabyte. A fresh process, so its peak memory is this report's alone.
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", HOSTILE_REPORT, where], capture_output=True, text=True, check=True
    )
    error, grown_mib = run.stdout.splitlines()
    assert error == f"{part}|{part}: {says}"
    assert int(grown_mib) < 64, f"peak memory grew {grown_mib} MiB while reporting"


def test_an_object_with_too_many_fields_is_not_said_to_lack_one() -> None:
    # Reports are made on a copy cut to 65 fields: the name, given after 100 unknown fields, is
    # cut off there, but the claim does not lack it.
    statement = example_statement()
    claimant = statement["predicate"]["claimant"]
    statement["predicate"]["claimant"] = {f"x{i}": 1 for i in range(100)} | claimant
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part == "predicate.claimant"
    assert "required" not in info.value.message


def test_a_fault_the_cut_copy_would_hide_is_still_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing in the schema as written lets cutting hide a fault. Should a later schema do so
    # (here, a cut that returns a valid claim), the report falls back to the whole value, and
    # an invalid claim never passes.
    from colophon.core import schema

    valid = example_statement()
    monkeypatch.setattr(schema, "_cut", lambda value, cut_objects, path=(): valid)
    statement = example_statement()
    statement["predicate"]["claimant"]["paymentChannels"][1]["kind"] = "bitcoin"
    with pytest.raises(MalformedError) as info:
        validate_statement(statement)
    assert info.value.part.startswith("predicate.claimant.paymentChannels[1]")
    monkeypatch.setattr(schema, "_report", lambda *args, **kwargs: None)
    with pytest.raises(MalformedError, match="does not match the schema"):
        validate_statement(statement)
