"""`python -m superclusters.site`: the static site from a published package."""

import sys

from . import main

sys.exit(main())
