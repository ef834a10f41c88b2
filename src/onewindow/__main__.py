"""``python -m onewindow`` is the same as the ``onewindow`` console script."""

from onewindow.cli import main

main()
