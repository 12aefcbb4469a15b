"""Verhalenbank's site plugin: call status, Dutch dates and story listings for the theme."""

from . import incremental, verhalen


def register() -> None:
    """Connect the site's handlers and those of incremental builds."""
    verhalen.register()
    incremental.register()


__all__ = ["register"]
