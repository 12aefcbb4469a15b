"""Verhalenbank pipeline: turns issue-form submissions into story pages."""
