"""``python -m wsmonitor.scanning [--lexicon DIR]``: scan JSON Lines from stdin.

Input: one JSON object per line, ``{"id": ..., "text": "..."}``. Output: one JSON line per
valid input line, ``{"id", "categories", "score", "findings": [...]}`` (plus ``suppressed`` when
the text reports rather than claims). A bad line (invalid JSON, not an object, missing or
non-string ``text``) writes ``{"line": N, "id": ..., "error": "..."}`` to stderr and the run
goes on. Blank lines are skipped.

Exit status: 0 if every line was scanned, 1 if any line was bad (all lines are still
processed), 2 if the lexicon cannot be loaded or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys

from .engine import Scanner
from .lexicon import Lexicon, LexiconError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m wsmonitor.scanning", description="Scan JSON Lines posts from stdin."
    )
    parser.add_argument("--lexicon", metavar="DIR", help="lexicon directory (default: shipped)")
    args = parser.parse_args(argv)
    try:
        scanner = Scanner(Lexicon.load(args.lexicon))
    except (LexiconError, OSError) as exc:
        print(json.dumps({"error": f"lexicon: {exc}"}, ensure_ascii=False), file=sys.stderr)
        return 2
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    lines = stdin if stdin is not None else sys.stdin
    out = sys.stdout
    bad = 0
    for lineno, raw in enumerate(lines, start=1):
        line = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if not line.strip():
            continue
        post_id = None
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("line is not a JSON object")
            post_id = obj.get("id")
            text = obj.get("text")
            if not isinstance(text, str):
                raise ValueError("missing or non-string 'text'")
            result = scanner.scan(text)
        except (ValueError, RecursionError) as exc:
            bad += 1
            err = {"line": lineno, "id": post_id, "error": str(exc)}
            print(json.dumps(err, ensure_ascii=False), file=sys.stderr, flush=True)
            continue
        record = {"id": post_id, **result.to_dict()}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
