"""The ``tribune`` command: Django's management commands under one name.

``tribune run`` · ``tribune web`` · ``tribune worker`` · ``tribune demo`` ·
``tribune migrate`` · ``tribune createadmin`` · ``tribune nlp …`` · ``tribune charter …``
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["community", "rank"]:  # a batch job without the database: skip Django
        from tribune.community.rank import main as rank

        raise SystemExit(rank(args[1:], prog="tribune community"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tribune", *args])


if __name__ == "__main__":
    main()
