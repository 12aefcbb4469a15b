"""The one base of the errors a person can act on: a Dutch message and an exit code (pure).

Every failure the command line reports as one line derives from UserError: a missing or broken
file, setting or form, an unreachable GitHub, a refused push, a failed build. The command line
catches the base and prints `fout: <message>`; the exit code travels with the error.

Signals that never leave the module pair that raises and catches them stay plain exceptions:
model.IssueDataError (an issue's JSON, made a SourceError or a problem of that issue),
markdown_guard.ConversionTimeout and feedback.NotFound (one issue, not the run).
"""

from __future__ import annotations

# An operational failure (the command could not do its job): what every UserError exits with.
EXIT_FAILURE = 1


class UserError(Exception):
    """A failure the person running the command can act on: one Dutch line, an exit code."""

    exit_code = EXIT_FAILURE

    @property
    def message(self) -> str:
        """The Dutch line, as the command line prints it after `fout: `."""
        return str(self)
