"""The one base of the errors a person can act on: a Dutch message and an exit code (pure).
The command line catches the base and prints `fout: <message>`. Signals caught next to where
they are raised (model.IssueDataError, markdown_guard.ConversionTimeout, feedback.NotFound)
never reach a person and stay plain exceptions."""

from __future__ import annotations

# An operational failure (the command could not do its job).
EXIT_FAILURE = 1


class UserError(Exception):
    """A failure the person running the command can act on: one Dutch line, an exit code."""

    exit_code = EXIT_FAILURE

    @property
    def message(self) -> str:
        """The Dutch line, as the command line prints it after `fout: `."""
        return str(self)
