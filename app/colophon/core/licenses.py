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
from typing import Any

from .errors import UsageError
from .schema import is_valid_license

#: SPDX's prefix for a license id that is not on its list (a license of one's own)
LICENSE_REF = "LicenseRef-"


def claim_license(value: str) -> str:
    """``value`` as a claim states it; `UsageError` if no claim may state it.

    A known SPDX id comes back in SPDX's spelling; a ``LicenseRef-`` id and an https address
    come back as given.
    """
    if not is_valid_license(value):
        raise UsageError(
            f"The license {value[:200]!r} is neither an SPDX license id (such as "
            "CC-BY-NC-4.0) nor the https:// address of a license."
        )
    if value.startswith("https://") or value.startswith(LICENSE_REF):
        return value
    licensing = _licensing()
    result = licensing.validate(value)
    symbols = [] if result.errors else licensing.license_symbols(result.normalized_expression)
    if len(symbols) == 1 and not symbols[0].is_exception:
        return str(symbols[0].key)
    close = difflib.get_close_matches(value.upper(), list(_ids()), n=1, cutoff=0.75)
    hint = f" Did you mean {_ids()[close[0]]}?" if close else ""
    raise UsageError(
        f"{value[:200]!r} is not on the SPDX license list.{hint} The ids are listed at "
        "https://spdx.org/licenses/; a license of your own can be given by its https:// "
        f"address, or by an id starting with {LICENSE_REF}."
    )


def license_ids() -> list[str]:
    """The SPDX license ids, sorted: what a creator may pick from."""
    return sorted(_ids().values(), key=str.casefold)


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
