"""The creator profile: CAWG terms, payment channels, compensation, strict JSON round trips."""

from __future__ import annotations

import json
from typing import Any

import pytest

from colophon.core import profile as p
from colophon.core.errors import UsageError
from colophon.core.profile import (
    Compensation,
    PaymentChannel,
    Profile,
    ProfileError,
    Terms,
    UseTerm,
)


def _full_profile() -> Profile:
    return Profile(
        display_name="Ada Lovelace",
        email="ada@example.org",
        website="https://ada.example/works",
        handles={"mastodon": "@ada@example.social", "bluesky": "ada.example"},
        payment_channels=[
            PaymentChannel("openPayments", "https://wallet.example/ada"),
            PaymentChannel("payto", "payto://iban/DE75512108001245126199?receiver-name=Ada"),
            PaymentChannel("url", "https://ada.example/licensing"),
        ],
        terms=Terms()
        .with_use(p.AI_INFERENCE, p.ALLOWED)
        .with_use(p.DATA_MINING, p.CONSTRAINED, "Research use only, with attribution."),
        compensation=Compensation("perUse", "0.05", "EUR", "licensing@ada.example"),
    )


def test_vocabulary_constants() -> None:
    assert p.AI_USES == (
        "cawg.ai_training",
        "cawg.ai_generative_training",
        "cawg.ai_inference",
        "cawg.data_mining",
    )
    assert p.USE_VALUES == ("allowed", "notAllowed", "constrained")


def test_defaults_reserve_everything() -> None:
    profile = Profile("Ada")
    profile.validate()
    assert {use: profile.terms[use].use for use in p.AI_USES} == dict.fromkeys(
        p.AI_USES, p.NOT_ALLOWED
    )
    assert profile.compensation.model == "none"
    assert profile.to_dict() == {
        "displayName": "Ada",
        "handles": {},
        "paymentChannels": [],
        "terms": {use: {"use": "notAllowed"} for use in p.AI_USES},
        "compensation": {"model": "none"},
    }


def test_full_profile_round_trips_through_json() -> None:
    original = _full_profile()
    original.validate()
    data = json.loads(json.dumps(original.to_dict()))
    assert data["terms"]["cawg.data_mining"] == {
        "use": "constrained",
        "constraint_info": "Research use only, with attribution.",
    }
    again = Profile.from_dict(data)
    assert again == original
    assert again.to_dict() == original.to_dict()


def test_errors_name_the_field_and_are_usage_errors() -> None:
    profile = _full_profile()
    profile.email = "not-an-email"
    with pytest.raises(ProfileError) as info:
        profile.validate()
    assert info.value.field == "email"
    assert info.value.message.startswith("email:")
    assert isinstance(info.value, UsageError)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"display_name": "  "}, "displayName"),
        ({"display_name": "Ada\nLovelace"}, "displayName"),
        ({"email": "ada@localhost"}, "email"),
        ({"email": "ada lovelace@example.org"}, "email"),
        ({"email": "@example.org"}, "email"),
        ({"website": "ftp://ada.example"}, "website"),
        ({"website": "https://"}, "website"),
        ({"website": "https://user:pw@ada.example/"}, "website"),
        ({"website": "https://ada.example:99999/"}, "website"),
        ({"handles": {"": "x"}}, "handles"),
        ({"handles": {"mastodon": ""}}, "handles.mastodon"),
    ],
)
def test_invalid_profile_fields(change: dict[str, Any], field: str) -> None:
    profile = _full_profile()
    for name, value in change.items():
        setattr(profile, name, value)
    with pytest.raises(ProfileError) as info:
        profile.validate()
    assert info.value.field == field


@pytest.mark.parametrize(
    "value",
    [
        "https://wallet.example/ada",
        "https://ilp.interledger-test.dev/alice",
        "https://wallet.example:8443/users/ada",
    ],
)
def test_valid_wallet_addresses(value: str) -> None:
    PaymentChannel("openPayments", value).validate()


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("http://wallet.example/ada", "https://"),
        ("https:///ada", "host"),
        ("$wallet.example/ada", "https://wallet.example/ada"),
        ("https://wallet.example/ada?x=1", "'\\?' or '#'"),
        ("https://wallet.example/ada#top", "'\\?' or '#'"),
        ("wallet.example/ada", "https://"),
    ],
)
def test_invalid_wallet_addresses(value: str, match: str) -> None:
    with pytest.raises(ProfileError, match=match) as info:
        PaymentChannel("openPayments", value).validate("paymentChannels[0]")
    assert info.value.field == "paymentChannels[0].value"


@pytest.mark.parametrize(
    "uri",
    [
        "payto://iban/DE75512108001245126199",
        "payto://iban/GB82WEST12345698765432",
        "payto://iban/SOGEDEFFXXX/DE75512108001245126199?receiver-name=Ada%20L&amount=EUR:10.5",
        "PAYTO://IBAN/DE75512108001245126199",
        "payto://bic/SOGEDEFFXXX",
        "payto://ach/122000661/1234567",
        "payto://upi/alice@example",
        "payto://bitcoin/bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh?message=thanks",
        "payto://ilp/g.acme.bob",
        "payto://void/",
        "payto://void",
    ],
)
def test_valid_payto_uris(uri: str) -> None:
    PaymentChannel("payto", uri).validate()


@pytest.mark.parametrize(
    ("uri", "match"),
    [
        ("payto:iban/DE75512108001245126199", "payto://"),
        ("https://iban/DE75512108001245126199", "payto://"),
        ("payto://unknown/abc", "Unknown payto payment type"),
        ("payto://user@iban/DE75512108001245126199", "plain name"),
        ("payto://iban:80/DE75512108001245126199", "plain name"),
        ("payto:///DE75512108001245126199", "plain name"),
        ("payto://iban/", "needs the account"),
        ("payto://iban//DE75512108001245126199", "needs the account"),
        ("payto://iban/DE75512108001245126198", "not a valid IBAN"),
        ("payto://iban/NOTABIC/DE75512108001245126199", "not a valid BIC"),
        ("payto://iban/DE75512108001245126199?amount=10", "EUR:12.50"),
        ("payto://iban/DE75512108001245126199?amount=EUR:1&amount=EUR:2", "twice"),
        ("payto://iban/DE75512108001245126199?message", "name=value"),
        ("payto://iban/DE75512108001245126199#x", "'#'"),
        ("payto://ach/12345/1", "routing"),
        ("payto://upi/alice", "UPI"),
        ("payto://iban/DE75 5121", "without spaces"),
    ],
)
def test_invalid_payto_uris(uri: str, match: str) -> None:
    with pytest.raises(ProfileError, match=match):
        PaymentChannel("payto", uri).validate()


def test_unknown_payment_kind() -> None:
    with pytest.raises(ProfileError) as info:
        PaymentChannel("paypal", "https://paypal.me/ada").validate("paymentChannels[2]")
    assert info.value.field == "paymentChannels[2].kind"


def test_terms_rules() -> None:
    with pytest.raises(ProfileError) as info:
        Terms().with_use(p.AI_TRAINING, p.CONSTRAINED)
    assert info.value.field == "terms.cawg.ai_training.constraint_info"
    with pytest.raises(ProfileError, match="only a constrained use"):
        Terms().with_use(p.AI_TRAINING, p.ALLOWED, "with attribution")
    with pytest.raises(ProfileError, match="must be one of"):
        Terms().with_use(p.AI_TRAINING, "maybe")
    with pytest.raises(ProfileError, match="unknown use"):
        Terms().with_use("cawg.ai_everything", p.ALLOWED)
    changed = Terms().with_use(p.AI_TRAINING, p.ALLOWED)
    assert changed[p.AI_TRAINING] == UseTerm(p.ALLOWED)
    assert Terms()[p.AI_TRAINING] == UseTerm(p.NOT_ALLOWED)  # the original is untouched


@pytest.mark.parametrize(
    ("compensation", "field"),
    [
        (Compensation("royalties"), "compensation.model"),
        (Compensation("perUse", "1,50", "EUR"), "compensation.amount"),
        (Compensation("perUse", "-1", "EUR"), "compensation.amount"),
        (Compensation("perUse", "01.5", "EUR"), "compensation.amount"),
        (Compensation("perUse", "1.5", "eur"), "compensation.currency"),
        (Compensation("perUse", "1.5", "EURO"), "compensation.currency"),
        (Compensation("perUse", "1.5"), "compensation.currency"),
        (Compensation("flatFee", None, "EUR"), "compensation.amount"),
        (Compensation("none", "5", "EUR"), "compensation.amount"),
        (Compensation("negotiate", "500", "EUR"), "compensation.amount"),
        (Compensation("revenueShare", "12.5", "EUR"), "compensation.currency"),
        (Compensation("revenueShare", "120"), "compensation.amount"),
        (Compensation("negotiate", contact="line\nbreak"), "compensation.contact"),
    ],
)
def test_invalid_compensation(compensation: Compensation, field: str) -> None:
    with pytest.raises(ProfileError) as info:
        compensation.validate()
    assert info.value.field == field


@pytest.mark.parametrize(
    "compensation",
    [
        Compensation(),
        Compensation("negotiate", contact="licensing@ada.example"),
        Compensation("flatFee", "250", "USD"),
        Compensation("revenueShare", "12.5"),
        Compensation("perUse", "0.0001", "JPY", "https://ada.example/contact"),
    ],
)
def test_valid_compensation(compensation: Compensation) -> None:
    compensation.validate()
    assert Compensation.from_dict(compensation.to_dict()) == compensation


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(nickname="Ada"), "profile.nickname"),
        (lambda d: d.pop("displayName"), "displayName"),
        (lambda d: d.update(displayName=42), "displayName"),
        (lambda d: d.update(handles=["@ada"]), "handles"),
        (lambda d: d.update(paymentChannels={"kind": "url"}), "paymentChannels"),
        (lambda d: d["paymentChannels"][0].update(extra=1), "paymentChannels[0].extra"),
        (lambda d: d["paymentChannels"][1].pop("value"), "paymentChannels[1].value"),
        (lambda d: d["terms"].pop("cawg.ai_inference"), "terms.cawg.ai_inference"),
        (lambda d: d["terms"].update({"cawg.other": {"use": "allowed"}}), "terms.cawg.other"),
        (lambda d: d["terms"]["cawg.ai_training"].update(use=None), "terms.cawg.ai_training.use"),
        (lambda d: d["compensation"].update(amount=5), "compensation.amount"),
        (lambda d: d.update(terms="all rights reserved"), "terms"),
    ],
)
def test_from_dict_is_strict(mutate: Any, field: str) -> None:
    data = json.loads(json.dumps(_full_profile().to_dict()))
    mutate(data)
    with pytest.raises(ProfileError) as info:
        Profile.from_dict(data)
    assert info.value.field == field


def test_from_dict_validates_values() -> None:
    data = _full_profile().to_dict()
    data["website"] = "javascript:alert(1)"
    with pytest.raises(ProfileError) as info:
        Profile.from_dict(data)
    assert info.value.field == "website"


@pytest.mark.parametrize("field", ["website", "wallet"])
def test_url_schemes_must_be_written_in_lower_case(field: str) -> None:
    if field == "website":
        profile = Profile("Ada", website="HTTPS://ada.example")
    else:
        profile = Profile(
            "Ada", payment_channels=[PaymentChannel("openPayments", "HTTPS://w.example/a")]
        )
    with pytest.raises(ProfileError, match="must start with https://"):
        profile.validate()


def test_an_amount_without_a_currency_asks_for_the_currency_and_vice_versa():
    with pytest.raises(ProfileError, match="give the currency of the amount") as exc:
        Compensation("perUse", "0.05", None).validate()
    assert exc.value.field.endswith("currency")
    with pytest.raises(ProfileError, match="give the amount, or no currency") as exc:
        Compensation("flatFee", None, "EUR").validate()
    assert exc.value.field.endswith("amount")


@pytest.mark.parametrize("mark", ["\u2028", "\u202e", "\u2067"], ids=["separator", "rlo", "rli"])
def test_a_name_with_a_line_separator_or_a_direction_mark_is_refused(mark: str):
    with pytest.raises(ProfileError, match="text-direction marks") as exc:
        Profile(f"Ada{mark}Lovelace").validate()
    assert exc.value.field == "displayName"
