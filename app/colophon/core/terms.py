"""Effective AI-use terms of a work, and their reading in the vocabularies crawlers use.

A claim states terms for all four CAWG uses once for the bundle; a work may override some of
them. The mappings to TDMRep, IPTC/PLUS ``plus:DataMining`` and the IETF AI-preferences
vocabulary follow resources/spec/claim-bundle.md §5.2, whose one rule is that a mapping never
grants more than the claim: ``constrained`` counts as not allowed in all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .profile import (
    AI_GENERATIVE_TRAINING,
    AI_INFERENCE,
    AI_TRAINING,
    AI_USES,
    ALLOWED,
    CONSTRAINED,
    DATA_MINING,
    NOT_ALLOWED,
)

PLUS_VOCAB = "http://ns.useplus.org/ldf/vocab/"

#: how the GUI and the summary page put each use to a person
USE_QUESTIONS = {
    AI_TRAINING: "May be used to train AI",
    AI_GENERATIVE_TRAINING: "May be used to train generative AI",
    AI_INFERENCE: "May be given to an AI as input",
    DATA_MINING: "May be mined for data",
}
ANSWERS = {ALLOWED: "Yes", NOT_ALLOWED: "No", CONSTRAINED: "Only with conditions"}
#: ``plus:OtherConstraints`` sentences for uses PLUS's own values cannot reserve together
RESERVED_IN_WORDS = {
    AI_TRAINING: "Use to train AI models is not allowed.",
    AI_GENERATIVE_TRAINING: "Use to train generative AI models is not allowed.",
    AI_INFERENCE: "Use as input to AI inference is not allowed.",
    DATA_MINING: "Use for text and data mining is not allowed.",
}


def effective(defaults: Mapping[str, Any], overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The bundle's terms with a work's overrides applied, use by use."""
    out = {use: dict(defaults[use]) for use in AI_USES}
    for use, term in (overrides or {}).items():
        out[use] = dict(term)
    return out


@dataclass(frozen=True)
class Mappings:
    tdm_reservation: int
    plus_data_mining: str
    plus_other_constraints: tuple[str, ...]
    content_usage: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tdmrep": {"tdm-reservation": self.tdm_reservation},
            "iptc": {"plus:DataMining": self.plus_data_mining},
            "aipref": {"Content-Usage": self.content_usage},
        }
        if self.plus_other_constraints:
            out["iptc"]["plus:OtherConstraints"] = list(self.plus_other_constraints)
        return out


def mappings(terms: Mapping[str, Any]) -> Mappings:
    """TDMRep, PLUS and AI-preferences values for one work's effective ``terms``."""
    use = {name: terms[name]["use"] for name in AI_USES}
    all_allowed = all(v == ALLOWED for v in use.values())
    constraints = tuple(
        terms[name]["constraint_info"] for name in AI_USES if use[name] == CONSTRAINED
    )
    if all_allowed:
        plus, other = "DMI-ALLOWED", ()
    elif constraints:
        plus, other = "DMI-PROHIBITED-SEECONSTRAINT", constraints
    elif use[DATA_MINING] == NOT_ALLOWED:
        plus, other = "DMI-PROHIBITED", ()
    elif use[AI_INFERENCE] == NOT_ALLOWED:  # PLUS has no value reserving inference: say it
        plus = "DMI-PROHIBITED-SEECONSTRAINT"
        other = tuple(RESERVED_IN_WORDS[name] for name in AI_USES if use[name] == NOT_ALLOWED)
    elif use[AI_TRAINING] == NOT_ALLOWED:
        plus, other = "DMI-PROHIBITED-AIMLTRAINING", ()
    else:  # only generative training is not allowed
        plus, other = "DMI-PROHIBITED-GENAIMLTRAINING", ()
    train = "y" if use[AI_TRAINING] == ALLOWED else "n"
    train_gen = "y" if use[AI_GENERATIVE_TRAINING] == ALLOWED else "n"
    return Mappings(
        tdm_reservation=0 if all_allowed else 1,
        plus_data_mining=PLUS_VOCAB + plus,
        plus_other_constraints=other,
        content_usage=f"train-ai={train}, train-genai={train_gen}",
    )


def in_words(terms: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``[(question, answer)]`` in plain words, e.g. ("May be used to train AI", "No").

    For the uses ``terms`` has, in the order of `AI_USES`: a work's own terms may name only some.
    """
    lines = []
    for use in AI_USES:
        if use not in terms:
            continue
        term = terms[use]
        answer = ANSWERS[term["use"]]
        if term["use"] == CONSTRAINED:
            answer += f": {term['constraint_info']}"
        lines.append((USE_QUESTIONS[use], answer))
    return lines
