"""Validating a claim's Statement and predicate against the published JSON Schemas.

The schema files in resources/spec are the one definition: the Statement's schema describes the
subjects and refers to the predicate's schema for the rest. They are compiled once, with a
validator written in Rust (jsonschema-rs), because a 100,000-work claim must be checked in well
under a second. The first error found is reported with the path where it is.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
from typing import Any

import jsonschema_rs

from .assets import read_text
from .errors import MalformedError

PREDICATE_SCHEMA = "spec/claim-predicate.schema.json"
STATEMENT_SCHEMA = "spec/claim-statement.schema.json"


@functools.cache
def _schema(resource: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(read_text(resource))
    return schema


@functools.cache
def _registry() -> Any:
    return jsonschema_rs.Registry(
        [(_schema(r)["$id"], _schema(r)) for r in (PREDICATE_SCHEMA, STATEMENT_SCHEMA)]
    )


@functools.cache
def _validator(resource: str, definition: str | None = None) -> Any:
    """The validator for a schema file, or for one of its ``$defs`` (or other parts)."""
    schema = _schema(resource)
    if definition is not None:  # a name in $defs, or a JSON pointer to another part
        pointer = definition if definition.startswith("/") else f"/$defs/{definition}"
        schema = {"$ref": f"{schema['$id']}#{pointer}"}
    # Offline: every reference resolves within the two files, never over the network.
    return jsonschema_rs.Draft202012Validator(schema, registry=_registry(), offline=True)


def validate_statement(statement: Any) -> None:
    """Raise `MalformedError` naming the first place where ``statement`` breaks the schema."""
    _validate(STATEMENT_SCHEMA, statement, "")


def valid_but_for_work_digests(statement: Any) -> bool:
    """Whether ``statement`` matches the schema in all but the form of its works' digests.

    For a reader that then checks that each work's digest is its subject's: the subjects'
    digests are held to the form of a SHA-256 digest here, so a work's digest equal to its
    subject's has that form too, and checking it again would only take longer (a tenth of the
    schema's time for a large claim, which is mostly its patterns). Its shape (an object with
    one ``sha256`` text) is still checked. A reader that finds a work's digest unequal must then
    run `validate_statement`, whose message about a digest that is not one comes first.
    """
    return bool(_validator_but_for_work_digests().is_valid(statement))


@functools.cache
def _validator_but_for_work_digests() -> Any:
    predicate = copy.deepcopy(_schema(PREDICATE_SCHEMA))
    defs = predicate["$defs"]
    digest = copy.deepcopy(defs["digest"])  # the shape of every digest, the subjects' included
    digest["properties"]["sha256"] = {"type": "string"}  # the form left out: 64 hex digits
    defs["work"]["properties"]["digest"] = digest
    statement = _schema(STATEMENT_SCHEMA)
    registry = jsonschema_rs.Registry(
        [(predicate["$id"], predicate), (statement["$id"], statement)]
    )
    return jsonschema_rs.Draft202012Validator(statement, registry=registry, offline=True)


def is_valid_license(value: Any) -> bool:
    """Whether ``value`` may be a claim's ``license``, as the predicate's schema says."""
    return bool(_validator(PREDICATE_SCHEMA, "/properties/license").is_valid(value))


def validate_predicate(predicate: Any) -> None:
    """Raise `MalformedError` naming the first place where ``predicate`` breaks the schema."""
    _validate(PREDICATE_SCHEMA, predicate, "predicate")


# The only lists the format lets grow past 64 entries: where they are in a Statement, and the
# schema of their items.
_LONG_LISTS = (
    (("subject",), STATEMENT_SCHEMA, "subject"),
    (("predicate", "works"), PREDICATE_SCHEMA, "work"),
    (("predicate", "members"), PREDICATE_SCHEMA, "member"),
)
# Lists and objects are cut to this many entries for the report; nothing else the schema allows
# has more than 64, so a cut one still breaks its size rule. What lies deeper than this many
# levels is left out too.
_KEEP = 65


def _validate(resource: str, instance: Any, root: str) -> None:
    validator = _validator(resource)
    if validator.is_valid(instance):  # reads the value where it is, stopping at the first fault
        return
    # A report copies the value it is about into the validator's own form: for a hostile claim
    # whose fault is one list of millions of numbers, gigabytes. So the report is made on a small
    # value: the first failing item of a long list, or else the whole; either way on a copy with
    # every list and object cut short, which still breaks a rule (the long lists are checked
    # here, item by item, so what is cut elsewhere was over a limit of 64 anyway).
    for path, items_resource, definition in _LONG_LISTS:
        relative = path[1:] if root == "predicate" else path
        items = _at(instance, relative)
        if not isinstance(items, list):
            continue
        label = ".".join(path)
        limit = _max_items(items_resource, path[-1])
        if len(items) > limit:
            raise MalformedError(label, f"has more than {limit:,} items.")
        item_validator = _validator(items_resource, definition)
        for i, item in enumerate(items):
            if not item_validator.is_valid(item):
                _report(item_validator, item, f"{label}[{i}]")
                _report(item_validator, item, f"{label}[{i}]", cut=False)
    _report(validator, instance, root)
    # Only if cutting hid every fault, which the schema as written does not allow: never pass.
    _report(validator, instance, root, cut=False)
    raise MalformedError(root or "statement", "does not match the schema.")


def _report(validator: Any, instance: Any, root: str, *, cut: bool = True) -> None:
    """Raise `MalformedError` for the first error of ``instance`` (cut short), if it has one."""
    cut_objects: set[tuple[str | int, ...]] = set()
    reported = _cut(instance, cut_objects) if cut else instance
    error = next(iter(validator.iter_errors(reported)), None)
    if error is None:
        return
    path = tuple(error.instance_path)
    where = root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    message = _message(error)
    if error.kind.name == "required" and path in cut_objects:
        # The missing field may be among those cut off; what is sure is that no object of the
        # format has this many fields.
        message = "has more fields than this format allows."
    raise MalformedError(where.lstrip(".") or "statement", message)


def _at(instance: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(instance, dict):
            return None
        instance = instance.get(key)
    return instance


def _max_items(resource: str, name: str) -> int:
    limit: int = _schema(resource)["properties"][name]["maxItems"]
    return limit


def _cut(
    value: Any, cut_objects: set[tuple[str | int, ...]], path: tuple[str | int, ...] = ()
) -> Any:
    """A copy of ``value`` with every list and object cut to its first `_KEEP` entries, and
    what lies deeper than `_KEEP` levels left out: a claim is read without measuring its depth,
    which the schema bounds to a few levels but in its extensions (which hold no fault the
    schema names, and are measured apart).

    The paths of the objects cut are added to ``cut_objects``.
    """
    if isinstance(value, list | dict) and len(path) >= _KEEP:
        return type(value)()
    if isinstance(value, list):
        return [_cut(item, cut_objects, (*path, i)) for i, item in enumerate(value[:_KEEP])]
    if isinstance(value, dict):
        if len(value) > _KEEP:
            cut_objects.add(path)
        return {
            key: _cut(item, cut_objects, (*path, key))
            for key, item in itertools.islice(value.items(), _KEEP)
        }
    return value


# What a rule says about an array or an object, instead of the library's message, which starts
# by quoting the whole value (a list of 100,000 works).
_CONTAINER_RULES = {
    "maxItems": "has more than {limit} items.",
    "minItems": "has fewer than {limit} items.",
    "maxProperties": "has more than {limit} fields.",
    "minProperties": "has fewer than {limit} fields.",
    "uniqueItems": "has an item twice.",
    "enum": "is not one of the values allowed here.",
}


def _message(error: Any) -> str:
    kind = error.kind
    if isinstance(error.instance, list | dict):
        if kind.name in ("minItems", "minProperties") and kind.limit == 1:
            return "is empty."
        rule = _CONTAINER_RULES.get(kind.name)
        if rule is not None:
            return rule.format(limit=getattr(kind, "limit", ""))
        if kind.name == "type":
            found = "an array" if isinstance(error.instance, list) else "an object"
            return f"must be of type {' or '.join(kind.types)}, not {found}."
    if kind.name in ("anyOf", "oneOf"):  # the library names the keyword, not what is wanted
        field = next((p for p in reversed(tuple(error.instance_path)) if isinstance(p, str)), "")
        wanted = _descriptions().get(field)
        if wanted:
            return f"is not in a form allowed here: {wanted[0].lower()}{wanted[1:]}"
    said = _in_words(kind)
    if said is not None:
        return said
    text = " ".join(error.message.split())
    return text if len(text) <= 300 else text[:297] + "…"


def _in_words(kind: Any) -> str | None:
    """The rule a value breaks, in a sentence for people (the library's own quotes the value,
    which is a stranger's text, and the regular expression)."""
    name = kind.name
    if name == "pattern":
        return _pattern_words().get(kind.pattern, "is not in the form allowed here.")
    if name == "additionalProperties":
        names = ", ".join(repr(str(n)[:64]) for n in list(kind.unexpected)[:3])
        return f"has a field the format does not define ({names})."
    if name == "required":
        return f"lacks the field {str(kind.property)[:64]!r}."
    if name == "enum":
        options = list(kind.options)
        if len(options) <= 8 and all(isinstance(o, str) for o in options):
            return f"is not one of: {', '.join(options)}."
        return "is not one of the values allowed here."
    if name == "const":
        return f"must be {kind.expected_value!r}."
    if name == "type":
        return f"must be of type {' or '.join(kind.types)}."
    if name == "minLength":
        return "is empty." if kind.limit == 1 else f"is shorter than {kind.limit:,} characters."
    if name == "maxLength":
        return f"is longer than {kind.limit:,} characters."
    if name == "minimum":
        return f"is less than {kind.limit}."
    if name == "maximum":
        return f"is more than {kind.limit}."
    return None


@functools.cache
def _pattern_words() -> dict[str, str]:
    """What each pattern of the schemas asks, in words, by the pattern."""
    defs = _schema(PREDICATE_SCHEMA)["$defs"]
    work = defs["work"]["properties"]
    codes = _schema(STATEMENT_SCHEMA)["$defs"]["subject"]["properties"]["annotations"]
    fingerprint = "is not a 64-bit ISCC Content-Code of the kind allowed here."
    return {
        codes["properties"]["iscc"]["pattern"]: fingerprint,
        codes["properties"]["iscc_untrimmed"]["pattern"]: fingerprint,
        codes["then"]["properties"]["iscc"]["pattern"]: fingerprint,
        defs["line"]["pattern"]: "holds a control character, a line break or a mark that "
        "reorders text, which one line of text may not.",
        work["description"]["pattern"]: "holds a control character other than a line break or tab.",
        defs["sha256"]["pattern"]: "is not a SHA-256 digest (64 lowercase hexadecimal digits).",
        work["mime"]["pattern"]: "is not a media type in lower case, such as image/jpeg.",
        defs["creationDate"]["pattern"]: "is not a date (YYYY-MM-DD), or a date and time with "
        "its UTC offset.",
        defs["utcTimestamp"]["pattern"]: "is not a time in UTC such as 2026-01-31T12:00:00Z.",
        defs["httpsUrl"]["pattern"]: "is not an https:// address.",
    }


@functools.cache
def _descriptions() -> dict[str, str]:
    """Each field's description in the two schemas, by field name (the first one found)."""
    found: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and "description" in sub:
                    found.setdefault(name, sub["description"])
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    for resource in (PREDICATE_SCHEMA, STATEMENT_SCHEMA):
        walk(_schema(resource))
    return found
