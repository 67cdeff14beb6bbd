"""`python3 -m covclient`: the command line of the Python client (cli.py)."""

import sys

from covclient.cli import main

if __name__ == "__main__":
    sys.exit(main())
