"""Story safety: sanitise submitted stories (nh3), no intrasite links, fail on unbuilt ones."""

from .story_safety import register

__all__ = ["register"]
