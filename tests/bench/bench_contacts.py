"""Benchmark: verifying one claim while the verifier has pinned many contacts.

Run:  python tests/bench/bench_contacts.py [--contacts 0 1000 10000] [--runs 5]

A data team pins the key of every creator it deals with, and every verification reads the
contacts (to name a pinned signer, and to warn when a claim uses a contact's name with another
key). For each count N this pins N contacts, each with a signed identity card as "Trust this
signer" stores them, in the verifier's catalog, then times ``verify`` of one ordinary bundle (best
of ``--runs``) next to the same verification with no contact, and next to what reading every
card again would add (N times one card's parse and Ed25519 check, measured here).
"""

from __future__ import annotations

import argparse
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from timing import best_of, verifying_world

from colophon.core.card import make_card, parse_card
from colophon.core.claimant import PublicKeyInfo
from colophon.core.contacts import add_contact
from colophon.core.profile import Profile
from colophon.core.verify import verify


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, nargs="+", default=[0, 1_000, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with verifying_world("bench_contacts_") as world:
        catalog = world.vera.catalog
        one = make_card(Ed25519PrivateKey.generate(), Profile("One Creator", email="o@example.org"))
        unit = best_of(args.runs * 20, lambda: parse_card(one))
        print(f"reading one identity card again (parse + Ed25519 check): {unit * 1e6:.0f} µs")
        print(f"{'contacts':>9}  {'verify s':>9}  {'vs none':>8}  {'if every card were read':>24}")
        pinned, alone = 0, None
        for count in sorted(args.contacts):
            for i in range(pinned, count):
                private = Ed25519PrivateKey.generate()
                profile = Profile(f"Creator {i}", email=f"creator{i}@example.org")
                key = PublicKeyInfo.of(private.public_key())
                add_contact(catalog, key, f"Creator {i}", make_card(private, profile))
            pinned = count
            seconds = best_of(args.runs, lambda: verify(world.bundle, catalog))
            alone = seconds if alone is None else alone
            print(
                f"{count:>9,}  {seconds:>9.4f}  {seconds / alone:>7.2f}x  "
                f"{seconds + count * unit:>22.3f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
