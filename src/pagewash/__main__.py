"""``python -m pagewash`` runs the command line."""

from pagewash.cli import main

main()
