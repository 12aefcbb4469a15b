"""The site's settings (pelicanconf.py) without the pauses and retry waits GitHub asks of real
clients: for the tests and the bench against the fake GitHub on this machine. Pass it with
`--settings`; the pipeline takes the values from the settings like any other."""

import runpy
from pathlib import Path

_SITE = runpy.run_path(str(Path(__file__).resolve().parents[2] / "pelicanconf.py"))
globals().update({name: value for name, value in _SITE.items() if name.isupper()})

GITHUB_READ_PAUSE = 0.0
GITHUB_WRITE_PAUSE = 0.0
GITHUB_RETRY_BACKOFF = 0.0
