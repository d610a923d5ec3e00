"""``python -m wsmonitor.scanning``: the command-line scanner under the name the design's
contract gives it (DESIGN §5). The engine itself is the top-level ``scanning`` package; this
name only runs its command line (``python -m scanning`` is the same)."""
