"""``wsmonitor.scanning``: the engine under the name the design's contract gives it (DESIGN §5:
``wsmonitor.scanning.Scanner.from_lexicon(path=None)``, ``python -m wsmonitor.scanning``). The
engine itself is the top-level ``scanning`` package (pure Python, no Django); this name
re-exports its public API and runs its command line."""

from scanning import *  # noqa: F403 (the engine's public names, as listed in its __all__)
from scanning import __all__  # noqa: F401
