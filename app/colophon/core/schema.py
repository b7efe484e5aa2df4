"""Validating a claim's predicate against the published JSON Schema.

The schema file in resources/spec is the one definition; it is compiled once, with a validator
written in Rust (jsonschema-rs), because a 100,000-work claim must be checked in well under a
second. The first error found is reported with the path where it is.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema_rs

from .assets import read_text
from .errors import MalformedError

SCHEMA_RESOURCE = "spec/claim-predicate.schema.json"


@functools.cache
def _validator() -> Any:
    schema = json.loads(read_text(SCHEMA_RESOURCE))
    return jsonschema_rs.Draft202012Validator(schema)


def validate_predicate(predicate: Any) -> None:
    """Raise `MalformedError` naming the first place where ``predicate`` breaks the schema."""
    validator = _validator()
    if validator.is_valid(predicate):
        return
    error = next(iter(validator.iter_errors(predicate)))
    where = "predicate" + "".join(
        f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path
    )
    raise MalformedError(where, _short(error.message))


def _short(message: str) -> str:
    text = " ".join(message.split())
    return text if len(text) <= 300 else text[:297] + "…"
