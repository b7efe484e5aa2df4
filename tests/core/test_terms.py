"""AI-use terms read in other vocabularies: every rule of spec section 5.2, and that no mapping
ever grants more than the claim."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from colophon.core.profile import (
    AI_GENERATIVE_TRAINING,
    AI_INFERENCE,
    AI_TRAINING,
    AI_USES,
    ALLOWED,
    CONSTRAINED,
    DATA_MINING,
    NOT_ALLOWED,
)
from colophon.core.terms import PLUS_VOCAB, effective, in_words, mappings

Y, N, C = ALLOWED, NOT_ALLOWED, CONSTRAINED


def terms(training: str, generative: str, inference: str, mining: str) -> dict[str, Any]:
    """Terms from four uses in the spec's order; constrained ones get a condition naming them."""
    out = {}
    for use, value in zip(AI_USES, (training, generative, inference, mining), strict=True):
        out[use] = {"use": value}
        if value == CONSTRAINED:
            out[use]["constraint_info"] = f"Ask first ({use})."
    return out


ALL_COMBINATIONS = list(itertools.product((Y, N, C), repeat=4))


# -- IPTC / PLUS, table rows 1-6 -----------------------------------------------------------------
PLUS_ROWS = [
    # (training, generative, inference, mining) -> value, other constraints
    ((Y, Y, Y, Y), "DMI-ALLOWED", ()),
    ((Y, Y, C, Y), "DMI-PROHIBITED-SEECONSTRAINT", ("Ask first (cawg.ai_inference).",)),
    # rule 2 comes before rule 3: a constraint is shown even when mining is not allowed
    ((C, N, N, N), "DMI-PROHIBITED-SEECONSTRAINT", ("Ask first (cawg.ai_training).",)),
    (
        (C, Y, Y, C),
        "DMI-PROHIBITED-SEECONSTRAINT",
        ("Ask first (cawg.ai_training).", "Ask first (cawg.data_mining)."),
    ),
    ((N, N, N, N), "DMI-PROHIBITED", ()),
    ((Y, Y, Y, N), "DMI-PROHIBITED", ()),
    ((N, Y, Y, N), "DMI-PROHIBITED", ()),
    # row 4: inference reserved, mining allowed: every reserved use said in words
    (
        (Y, Y, N, Y),
        "DMI-PROHIBITED-SEECONSTRAINT",
        ("Use as input to AI inference is not allowed.",),
    ),
    (
        (N, Y, N, Y),
        "DMI-PROHIBITED-SEECONSTRAINT",
        ("Use to train AI models is not allowed.", "Use as input to AI inference is not allowed."),
    ),
    (
        (Y, N, N, Y),
        "DMI-PROHIBITED-SEECONSTRAINT",
        (
            "Use to train generative AI models is not allowed.",
            "Use as input to AI inference is not allowed.",
        ),
    ),
    ((N, N, Y, Y), "DMI-PROHIBITED-AIMLTRAINING", ()),
    # row 5 also reserves generative training: PLUS has no value for "only non-generative"
    ((N, Y, Y, Y), "DMI-PROHIBITED-AIMLTRAINING", ()),
    ((Y, N, Y, Y), "DMI-PROHIBITED-GENAIMLTRAINING", ()),
]


@pytest.mark.parametrize(("uses", "value", "other"), PLUS_ROWS, ids=lambda x: str(x))
def test_plus_data_mining_follows_the_table(
    uses: tuple[str, ...], value: str, other: tuple[str, ...]
) -> None:
    result = mappings(terms(*uses))
    assert result.plus_data_mining == PLUS_VOCAB + value
    assert result.plus_other_constraints == other
    iptc = result.to_dict()["iptc"]
    assert iptc["plus:DataMining"] == "http://ns.useplus.org/ldf/vocab/" + value
    if other:
        assert iptc["plus:OtherConstraints"] == list(other)
    else:
        assert "plus:OtherConstraints" not in iptc


@pytest.mark.parametrize("uses", ALL_COMBINATIONS, ids=lambda u: "-".join(x[0] for x in u))
def test_plus_never_grants_more_than_the_claim(uses: tuple[str, ...]) -> None:
    value = mappings(terms(*uses)).plus_data_mining.removeprefix(PLUS_VOCAB)
    training, generative, inference, mining = uses
    assert value in {
        "DMI-ALLOWED",
        "DMI-PROHIBITED",
        "DMI-PROHIBITED-AIMLTRAINING",
        "DMI-PROHIBITED-GENAIMLTRAINING",
        "DMI-PROHIBITED-SEECONSTRAINT",
    }
    # PLUS's values speak of data mining and training; a reserved inference use is said in
    # words (rule 4), so the two training values only ever stand where inference is allowed.
    if value in ("DMI-PROHIBITED-AIMLTRAINING", "DMI-PROHIBITED-GENAIMLTRAINING"):
        assert inference == Y
    if value == "DMI-ALLOWED":
        assert set(uses) == {Y}
    if value == "DMI-PROHIBITED-AIMLTRAINING":  # allows mining
        assert mining == Y and training == N
    if value == "DMI-PROHIBITED-GENAIMLTRAINING":  # allows mining and non-generative training
        assert (training, mining, generative) == (Y, Y, N)
    if value == "DMI-PROHIBITED":
        assert mining == N
    if C in uses:
        assert value == "DMI-PROHIBITED-SEECONSTRAINT"
    elif value == "DMI-PROHIBITED-SEECONSTRAINT":
        assert inference == N and mining == Y  # row 4


# -- TDMRep ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("uses", ALL_COMBINATIONS, ids=lambda u: "-".join(x[0] for x in u))
def test_tdm_reservation_is_0_only_when_everything_is_allowed(uses: tuple[str, ...]) -> None:
    result = mappings(terms(*uses))
    expected = 0 if set(uses) == {Y} else 1
    assert result.tdm_reservation == expected
    assert result.to_dict()["tdmrep"] == {"tdm-reservation": expected}


@pytest.mark.parametrize(
    ("uses", "reservation"),
    [
        ((Y, Y, Y, Y), 0),
        ((Y, Y, Y, N), 1),
        ((Y, Y, Y, C), 1),
        ((Y, Y, N, Y), 1),
        ((Y, C, Y, Y), 1),
        ((N, Y, Y, Y), 1),
    ],
)
def test_tdm_reservation_examples(uses: tuple[str, ...], reservation: int) -> None:
    assert mappings(terms(*uses)).tdm_reservation == reservation


# -- IETF AI preferences -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("training", "generative", "header"),
    [
        (Y, Y, "train-ai=y, train-genai=y"),
        (Y, N, "train-ai=y, train-genai=n"),
        (Y, C, "train-ai=y, train-genai=n"),
        (N, Y, "train-ai=n, train-genai=y"),
        (C, Y, "train-ai=n, train-genai=y"),
        (N, N, "train-ai=n, train-genai=n"),
        (C, C, "train-ai=n, train-genai=n"),
    ],
)
def test_content_usage_states_both_training_categories(
    training: str, generative: str, header: str
) -> None:
    for inference, mining in itertools.product((Y, N, C), repeat=2):
        result = mappings(terms(training, generative, inference, mining))
        assert result.content_usage == header
        assert result.to_dict()["aipref"] == {"Content-Usage": header}


# -- effective terms and words -------------------------------------------------------------------
def test_effective_terms_apply_overrides_use_by_use_without_touching_the_defaults() -> None:
    defaults = terms(N, N, N, N)
    overrides = {AI_INFERENCE: {"use": CONSTRAINED, "constraint_info": "Alt text only."}}

    result = effective(defaults, overrides)

    assert result[AI_INFERENCE] == overrides[AI_INFERENCE]
    assert result[AI_TRAINING] == result[AI_GENERATIVE_TRAINING] == result[DATA_MINING]
    assert result[AI_TRAINING] == {"use": NOT_ALLOWED}
    assert defaults == terms(N, N, N, N)
    result[AI_TRAINING]["use"] = ALLOWED
    assert defaults[AI_TRAINING] == {"use": NOT_ALLOWED}  # a copy, not the same objects
    assert effective(defaults, None) == defaults


def test_the_spec_example_work_maps_as_the_spec_says() -> None:
    # claim-bundle.md section 12: all not allowed, inference constrained for one photograph
    defaults = terms(N, N, N, N)
    info = "Allowed for accessibility descriptions (alt text); credit the author."
    photo = effective(defaults, {AI_INFERENCE: {"use": CONSTRAINED, "constraint_info": info}})
    assert mappings(photo).to_dict() == {
        "tdmrep": {"tdm-reservation": 1},
        "iptc": {
            "plus:DataMining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-SEECONSTRAINT",
            "plus:OtherConstraints": [info],
        },
        "aipref": {"Content-Usage": "train-ai=n, train-genai=n"},
    }
    assert mappings(defaults).to_dict()["iptc"] == {
        "plus:DataMining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"
    }


def test_terms_in_words() -> None:
    assert in_words(terms(Y, N, C, N)) == [
        ("May be used to train AI", "Yes"),
        ("May be used to train generative AI", "No"),
        ("May be given to an AI as input", "Only with conditions: Ask first (cawg.ai_inference)."),
        ("May be mined for data", "No"),
    ]
