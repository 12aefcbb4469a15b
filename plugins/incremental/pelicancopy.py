"""The one piece of Pelican copied here: the checks of `Writer._open_w` (pelican/writers.py),
without its `open`, so that the writer can leave a file with unchanged bytes alone.

OPEN_W_SHA256 is the hash of the installed Pelican's `inspect.getsource(Writer._open_w)` this
copy follows; a test fails when Pelican's method changes (pyproject.toml pins that Pelican).
"""

from __future__ import annotations

import logging
from typing import Any

from pelican.writers import FileOverwriteFailedError

logger = logging.getLogger(__name__)

OPEN_W_SHA256 = "69700ea0b4668663b0886011eee71e8b4ea9debd376fe2a2fe322c90ec5aee6d"


def claim(writer: Any, filename: str, override: bool) -> bool:
    """Pelican's checks against writing one file twice; False when the file is to be skipped
    (Pelican then writes to os.devnull)."""
    if filename in writer._overridden_files:
        if override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
            )
        logger.info('Skipping "%s", not overwriting', filename)
        return False
    if filename in writer._written_files:
        if not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it'
                " previously (set `override=True` if intended)"
            )
        logger.info('Overwriting "%s"', filename)
    if override:
        writer._overridden_files.add(filename)
    writer._written_files.add(filename)
    return True
