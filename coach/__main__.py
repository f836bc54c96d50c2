"""``python -m coach``: the ``coach`` command."""

from coach.main import main

main()
