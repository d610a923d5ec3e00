"""``python -m wsmonitor.scanning [--lexicon DIR]``: ``scanning.__main__`` under the contract's
name; same input, output and exit status."""

import sys

from scanning.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
