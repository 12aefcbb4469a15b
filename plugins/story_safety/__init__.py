"""Story safety: sanitise submitted stories (nh3) and neutralise Pelican intrasite links in them."""

from .story_safety import register

__all__ = ["register"]
