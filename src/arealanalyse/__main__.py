"""``python -m arealanalyse`` runs the command-line interface."""

import sys

from arealanalyse.cli import main

sys.exit(main())
