"""Cache pruning: after every build, drop content-cache entries of sources that are gone."""

from .cache_prune import register

__all__ = ["register"]
