"""Verhalenbank's site plugin: call status, Dutch dates and story listings for the theme."""

from .verhalen import register

__all__ = ["register"]
