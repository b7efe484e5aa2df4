"""Validating a claim's Statement and predicate against the published JSON Schemas.

The schema files in resources/spec are the one definition: the Statement's schema describes the
subjects and refers to the predicate's schema for the rest. They are compiled once, with a
validator written in Rust (jsonschema-rs), because a 100,000-work claim must be checked in well
under a second. The first error found is reported with the path where it is.
"""

from __future__ import annotations

import functools
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
def _validator(resource: str) -> Any:
    predicate = _schema(PREDICATE_SCHEMA)
    registry = jsonschema_rs.Registry([(predicate["$id"], predicate)])
    # Offline: every reference resolves within the two files, never over the network.
    return jsonschema_rs.Draft202012Validator(_schema(resource), registry=registry, offline=True)


def validate_statement(statement: Any) -> None:
    """Raise `MalformedError` naming the first place where ``statement`` breaks the schema."""
    _validate(STATEMENT_SCHEMA, statement, "")


def validate_predicate(predicate: Any) -> None:
    """Raise `MalformedError` naming the first place where ``predicate`` breaks the schema."""
    _validate(PREDICATE_SCHEMA, predicate, "predicate")


def _validate(resource: str, instance: Any, root: str) -> None:
    validator = _validator(resource)
    if validator.is_valid(instance):
        return
    error = next(iter(validator.iter_errors(instance)))
    where = root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path)
    raise MalformedError(where.lstrip(".") or "statement", _message(error))


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
    text = " ".join(error.message.split())
    return text if len(text) <= 300 else text[:297] + "…"
