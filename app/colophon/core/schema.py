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
    raise MalformedError(where.lstrip(".") or "statement", _short(error.message))


def _short(message: str) -> str:
    text = " ".join(message.split())
    return text if len(text) <= 300 else text[:297] + "…"
