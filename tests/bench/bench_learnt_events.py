"""Benchmark: verifying one claim while the catalog has learnt many key events about strangers.

Run:  python tests/bench/bench_learnt_events.py [--events 0 1000 10000] [--runs 5]

Every verified bundle teaches the verifier's catalog the key events it carries (rotations and
revocations, each signed by the key concerned), and anyone can make such events for throwaway
keys. For each count N this records N revocations of fresh keys in a verifier's catalog, then
times ``verify`` of one ordinary bundle (best of ``--runs``) next to a single Ed25519 check of
one event, the unit a verifier would pay for every event it read again. Verification should not
grow with N: only the events about the signer's key and the pinned keys bear on a claim.
"""

from __future__ import annotations

import argparse
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from timing import best_of, verifying_world

from colophon.core.identity import record_events
from colophon.core.keyevents import make_revocation, parse_event
from colophon.core.verify import verify


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[0, 1_000, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with verifying_world("bench_events_") as world:
        one = make_revocation(Ed25519PrivateKey.generate(), "superseded")
        unit = best_of(args.runs * 20, lambda: parse_event(one))
        print(f"reading one event again (parse + Ed25519 check): {unit * 1e6:.0f} µs")
        print(f"{'events learnt':>14}  {'verify s':>9}  {'if all were read again':>24}")
        learnt = 0
        for count in sorted(args.events):
            fresh = [
                parse_event(make_revocation(Ed25519PrivateKey.generate(), "superseded"))
                for _ in range(count - learnt)
            ]
            record_events(world.vera.catalog, fresh)
            learnt = count
            seconds = best_of(args.runs, lambda: verify(world.bundle, world.vera.catalog))
            print(f"{count:>14,}  {seconds:>9.4f}  {seconds + count * unit:>22.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
