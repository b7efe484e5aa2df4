"""Exit statuses of the ``colophon`` command, one place for all of them (documented in README.md).

Pipelines branch on these, so they never change meaning once released.
"""

OK = 0
#: a command ran but reports a problem it found (e.g. ``check`` found missing or modified files)
FINDINGS = 1
#: the command line is wrong (unknown option, bad value)
USAGE = 2
#: something named does not exist (a work id, a file)
NOT_FOUND = 4
#: the environment stopped the work: disk full, no permission, keyring unavailable or locked
ENVIRONMENT = 5
#: Colophon itself failed unexpectedly; please report it
INTERNAL = 70
#: the user cancelled (Ctrl+C)
CANCELLED = 130
