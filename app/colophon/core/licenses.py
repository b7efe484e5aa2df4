"""The license a claim states: an SPDX license id, in SPDX's spelling, or a license's address.

A company honours a claim's license by its SPDX id, so an id nobody knows (``CC-BY-4.O``, typed
with a letter O) is as good as none. An id is looked up in the SPDX license list that the
license-expression library carries, with its spelling and any deprecated form put right
(``cc-by-4.0`` is ``CC-BY-4.0``, ``GPL-2.0`` is ``GPL-2.0-only``); an unknown one is refused,
with the ids closest to it. ``LicenseRef-…`` ids (licenses of one's own, by SPDX's rules) and
https addresses are taken as given. Only what a creator states is checked this way: a verifier
reads any id the format allows, as the list grows after a verifier is installed.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

from .errors import UsageError
from .schema import is_valid_license

#: SPDX's prefix for a license id that is not on its list (a license of one's own)
LICENSE_REF = "LicenseRef-"


def claim_license(value: str) -> str:
    """``value`` as a claim states it; `UsageError` if no claim may state it.

    A known SPDX id comes back in SPDX's spelling, also when written as people write licenses
    (``CC BY 4.0``, with spaces); a ``LicenseRef-`` id and an https address come back as given.
    Surrounding spaces are dropped.
    """
    text = value.strip()
    if text.lower().startswith("http://"):
        raise UsageError(
            f"The license address {text[:200]!r} must start with https://, so that nobody can "
            "change the license on its way to a reader."
        )
    if text.lower().startswith(LICENSE_REF.lower()):
        text = LICENSE_REF + text[len(LICENSE_REF) :]  # SPDX's spelling of the prefix
    if text.startswith(("https://", LICENSE_REF)):
        if is_valid_license(text):
            return text
        if text.startswith("https://"):
            raise UsageError(
                f"The license address {text[:200]!r} is not one a claim can hold: it has "
                "spaces, or is longer than 2,048 characters."
            )
        raise UsageError(
            f"The license id {text[:200]!r} may hold, after {LICENSE_REF}, only letters, "
            "digits, dots, plus signs and hyphens (at most 64 characters in all)."
        )
    if is_valid_license(text) and (known := _known(text)) is not None:
        return known
    spaced = _SEPARATORS.sub("-", text)
    if spaced != text and is_valid_license(spaced) and (known := _known(spaced)) is not None:
        return known  # "CC BY 4.0", as Creative Commons writes it, is CC-BY-4.0
    raise UsageError(_refusal(text))


#: what people put between the words of a license's name where SPDX puts a hyphen
_SEPARATORS = re.compile(r"[\s_]+")
#: what may follow a license's name in an SPDX id to make it one version: "-4.0", "-1.0"
_VERSION = re.compile(r"-?[0-9]+(\.[0-9]+)*")


def _known(text: str) -> str | None:
    """The SPDX id ``text`` names (in SPDX's spelling, a deprecated one replaced), or None."""
    licensing = _licensing()
    try:
        result = licensing.validate(text)
        symbols = [] if result.errors else licensing.license_symbols(result.normalized_expression)
    except Exception:  # the library's own fault on odd input: the id is not one it knows
        return None
    if len(symbols) == 1 and not symbols[0].is_exception:
        return str(symbols[0].key)
    return None


def _refusal(text: str) -> str:
    """Why ``text`` is no license a claim may state, with the id it most likely means."""
    close = _closest(text)
    hint = f" Did you mean {close}?" if close else " To state no license, leave it out."
    if not is_valid_license(_SEPARATORS.sub("-", text)) and not close:
        return (
            f"The license {text[:200]!r} is neither an SPDX license id (such as "
            "CC-BY-NC-4.0) nor the https:// address of a license."
        )
    return (
        f"{text[:200]!r} is not on the SPDX license list.{hint} The ids are listed at "
        "https://spdx.org/licenses/; a license of your own can be given by its https:// "
        f"address, or by an id starting with {LICENSE_REF}."
    )


def _closest(text: str) -> str | None:
    """The SPDX id ``text`` most likely means: its latest version when it names a license
    without one (``CC0`` is CC0-1.0, ``Apache 2`` Apache-2.0), else the nearest spelling."""
    ids = _ids()
    wanted = _SEPARATORS.sub("-", text.upper())
    if wanted in ids:
        return ids[wanted]
    versions = [
        (tuple(int(n) for n in re.findall(r"[0-9]+", key[len(wanted) :])), name)
        for key, name in ids.items()
        if key.startswith(wanted) and _VERSION.fullmatch(key[len(wanted) :])
    ]
    if versions:
        return max(versions)[1]
    close = difflib.get_close_matches(wanted, list(ids), n=1, cutoff=0.75)
    return ids[close[0]] if close else None


#: the licenses creators mostly grant, offered first (the Creative Commons ones of version 4.0)
COMMON = (
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC0-1.0",
    "MIT",
    "Apache-2.0",
    "GPL-3.0-or-later",
)


def license_ids() -> list[str]:
    """The SPDX license ids to pick from: the `COMMON` ones first, then all in order."""
    rest = sorted(set(_ids().values()) - set(COMMON), key=str.casefold)
    return [*COMMON, *rest]


@functools.cache
def _licensing() -> Any:
    from license_expression import get_spdx_licensing  # reads its list when first needed

    return get_spdx_licensing()


@functools.cache
def _ids() -> dict[str, str]:
    """The SPDX license ids (not exceptions, not ScanCode's own), by their upper-case form."""
    return {
        key.upper(): key
        for key, symbol in _licensing().known_symbols.items()
        if not symbol.is_exception and not key.startswith(LICENSE_REF)
    }
