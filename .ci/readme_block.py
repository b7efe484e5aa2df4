"""Print the Nth fenced code block under README's "Quick start" heading (1-based)."""

import re
import sys

with open(sys.argv[1], encoding="utf-8") as fh:
    text = fh.read()
start = re.search(r"^#+ Quick start\s*$", text, re.M)
if not start:
    sys.exit("README has no 'Quick start' heading")
rest = text[start.end() :]
end = re.search(r"^#+ ", rest, re.M)
section = rest[: end.start()] if end else rest
blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section, re.M | re.S)
if len(blocks) != 2:
    sys.exit(f"Quick start must hold exactly two code blocks, found {len(blocks)}")
print(blocks[int(sys.argv[2]) - 1].strip())
