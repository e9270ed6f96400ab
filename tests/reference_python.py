"""Finds the reference interpreter, CPython 2.7.18, for the python3 test drivers
(tests/conformance/run.py, tests/libs/run.py)."""

import os
import shutil
import subprocess


def find_python27():
    """The CPython 2.7.18 executable, or None: $SOCKBRIDGE_PYTHON27, else
    `PYENV_VERSION=2.7.18 pyenv which python2`, else ~/.pyenv/versions/2.7.18/bin/python2 —
    the first that runs and says it is 2.7.18."""
    candidates = [os.environ.get('SOCKBRIDGE_PYTHON27')]
    if shutil.which('pyenv'):
        try:
            p = subprocess.run(['pyenv', 'which', 'python2'], capture_output=True, text=True,
                               env=dict(os.environ, PYENV_VERSION='2.7.18'), timeout=30)
            candidates.append(p.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    candidates.append(os.path.expanduser('~/.pyenv/versions/2.7.18/bin/python2'))
    for c in candidates:
        if not c or not os.access(c, os.X_OK):
            continue
        try:
            v = subprocess.run([c, '-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'],
                               capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if v == '2.7.18':
            return c
    return None
