"""The license a creator states: looked up in the SPDX list, spelt as SPDX spells it, and a
mistyped one refused with the id it most likely means."""

from __future__ import annotations

import pytest

from colophon.core.errors import UsageError
from colophon.core.licenses import claim_license, license_ids


@pytest.mark.parametrize(
    ("given", "stated"),
    [
        ("CC-BY-NC-4.0", "CC-BY-NC-4.0"),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0"),  # SPDX's spelling
        ("CC BY 4.0", "CC-BY-4.0"),  # as Creative Commons writes its licenses
        ("cc by-nc-sa 4.0", "CC-BY-NC-SA-4.0"),
        ("  MIT ", "MIT"),  # spaces around, from a copied text
        ("GPL-2.0", "GPL-2.0-only"),  # a deprecated id, by the one that replaced it
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("LicenseRef-ada-1", "LicenseRef-ada-1"),  # one's own, as given
        ("licenseref-ada-1", "LicenseRef-ada-1"),  # but for SPDX's spelling of the prefix
        ("https://ada.example/licence", "https://ada.example/licence"),
    ],
)
def test_a_license_is_stated_as_spdx_spells_it(given: str, stated: str) -> None:
    assert claim_license(given) == stated


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("CC-BY-4.O", "CC-BY-4.0"),  # a letter O for a zero
        ("CC0", "CC0-1.0"),  # no version: the latest
        ("CC BY-NC", "CC-BY-NC-4.0"),
        ("Apache 2", "Apache-2.0"),
        ("CC-BY", "CC-BY-4.0"),
    ],
)
def test_a_mistyped_license_is_refused_naming_the_id_it_most_likely_means(
    given: str, meant: str
) -> None:
    with pytest.raises(UsageError) as refused:
        claim_license(given)
    assert refused.value.message.startswith(
        f"{given!r} is not on the SPDX license list. Did you mean {meant}?"
    )


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("All rights reserved", "is not on the SPDX license list. To state no license, leave"),
        ("Classpath-exception-2.0", "is not on the SPDX license list"),  # an exception, not one
        ("http://ada.example/licence", "must start with https://"),
        ("https://ada.example/my licence", "is not one a claim can hold: it has spaces"),
        ("LicenseRef-my licence", "may hold, after LicenseRef-, only letters, digits"),
        ("my own licence!", "is neither an SPDX license id (such as CC-BY-NC-4.0) nor the"),
    ],
)
def test_what_no_claim_may_state_is_refused_saying_why(given: str, says: str) -> None:
    with pytest.raises(UsageError) as refused:
        claim_license(given)
    assert says in refused.value.message


def test_the_ids_offered_are_licenses_in_spdx_spelling() -> None:
    ids = license_ids()
    assert {"CC-BY-4.0", "CC0-1.0", "MIT", "Apache-2.0"} <= set(ids)
    assert "Classpath-exception-2.0" not in ids  # an exception to a license, not a license
    assert not [i for i in ids if i.startswith("LicenseRef-")]
    assert ids[0] == "CC-BY-4.0" and ids.index("CC-BY-2.5-AU") > ids.index("CC0-1.0")
    assert len(ids) == len(set(ids))
    assert all(claim_license(i) == i for i in ids[:: max(1, len(ids) // 50)])
