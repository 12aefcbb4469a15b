"""Benchmarks: what a sync and a build cost as the number of stories grows."""
