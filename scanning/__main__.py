"""``python -m scanning [--lexicon DIR]``: scan JSON Lines from stdin.

Input: one JSON object per line, ``{"id": ..., "text": "..."}``, read as bytes. Output: one JSON
line per non-blank input line, in order. A scanned line gives ``{"id", "categories", "score",
"findings": [...]}`` (plus ``suppressed`` when the text reports rather than claims). A bad line
gives ``{"id": ..., "line": N, "error": {"code": ..., "detail": "..."}}`` on stdout (and the
same on stderr) and the run goes on; ``id`` is the line's id when it can be read, else null.
Codes: ``invalid_utf8``, ``invalid_json``, ``not_an_object``, ``missing_text``,
``text_not_a_string``, ``lone_surrogate``, ``scan_failed``. Blank lines are skipped.

Exit status: 0 if every line was scanned, 1 if any line was bad (all lines are still
processed), 2 if the lexicon cannot be loaded or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from .engine import Scanner
from .lexicon import Lexicon, LexiconError

_SURROGATE = re.compile("[\ud800-\udfff]")
# "id" of a line that is not valid JSON, when it can still be read (a truncated line, say)
_ID_RE = re.compile(rb'"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,20})')


class BadLine(ValueError):
    def __init__(self, code: str, detail: str, post_id=None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.post_id = post_id


def _salvage_id(raw: bytes):
    m = _ID_RE.search(raw)
    if m is None:
        return None
    try:
        value = json.loads(m.group(1).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(value, str) and _SURROGATE.search(value):
        return None
    return value


def _parse(raw: bytes):
    """(id, text) of one input line, or BadLine."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadLine(
            "invalid_utf8", f"not valid UTF-8 at byte {exc.start}", _salvage_id(raw)
        ) from None
    try:
        obj = json.loads(line)
    except RecursionError:
        raise BadLine("invalid_json", "nested too deeply", _salvage_id(raw)) from None
    except ValueError as exc:
        raise BadLine("invalid_json", str(exc), _salvage_id(raw)) from None
    if not isinstance(obj, dict):
        raise BadLine("not_an_object", f"line is a JSON {type(obj).__name__}, not an object")
    post_id = obj.get("id")
    if _SURROGATE.search(json.dumps(post_id, ensure_ascii=False)):
        raise BadLine("lone_surrogate", "'id' holds a lone surrogate")
    if "text" not in obj:
        raise BadLine("missing_text", "no 'text' field", post_id)
    text = obj["text"]
    if not isinstance(text, str):
        raise BadLine(
            "text_not_a_string", f"'text' is {type(text).__name__}, not a string", post_id
        )
    m = _SURROGATE.search(text)
    if m is not None:
        raise BadLine(
            "lone_surrogate",
            f"'text' holds a lone surrogate U+{ord(m.group()):04X} at {m.start()}",
            post_id,
        )
    return post_id, text


def _dump(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scanning", description="Scan JSON Lines posts from stdin."
    )
    parser.add_argument("--lexicon", metavar="DIR", help="lexicon directory (default: shipped)")
    args = parser.parse_args(argv)
    try:
        scanner = Scanner(Lexicon.load(args.lexicon))
    except (LexiconError, OSError) as exc:
        err = {"error": {"code": "lexicon", "detail": str(exc)}}
        print(json.dumps(err, ensure_ascii=False), file=sys.stderr)
        return 2
    stdin = getattr(sys.stdin, "buffer", None)
    lines = stdin if stdin is not None else (x.encode("utf-8") for x in sys.stdin)
    out = getattr(sys.stdout, "buffer", None)
    write = out.write if out is not None else (lambda b: sys.stdout.write(b.decode("utf-8")))
    bad = 0
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            post_id, text = _parse(raw)
            try:
                result = scanner.scan(text)
            except Exception as exc:  # one text must never stop the run
                raise BadLine("scan_failed", f"{type(exc).__name__}: {exc}", post_id) from exc
        except BadLine as exc:
            bad += 1
            err = _dump(
                {
                    "id": exc.post_id,
                    "line": lineno,
                    "error": {"code": exc.code, "detail": exc.detail},
                }
            )
            write(err)
            sys.stdout.flush()
            sys.stderr.write(err.decode("utf-8"))
            sys.stderr.flush()
            continue
        write(_dump({"id": post_id, **result.to_dict()}))
    sys.stdout.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
