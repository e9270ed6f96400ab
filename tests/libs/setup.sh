#!/bin/sh
# Installs what tests/libs/run.py needs, so that the run itself fetches nothing:
# - Debian: memcached, PostgreSQL, Dovecot (IMAP + POP3) — started by run.py on loopback only;
# - PyPI, Python 2.7 wheels (pure Python) unpacked into $DEPS/site for the client scripts
#   (and compiled for Jython when `jython` is installed);
# - PyPI, python3 packages for the peers (pyftpdlib + pyOpenSSL for FTPS, aiosmtpd) in $DEPS/py3.
# Usage: tests/libs/setup.sh   (DEPS defaults to build/libs-deps; SOCKBRIDGE_LIBS_DEPS overrides)
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
deps="${SOCKBRIDGE_LIBS_DEPS:-$root/build/libs-deps}"

need=""
command -v memcached >/dev/null 2>&1 || need="$need memcached"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
command -v dovecot >/dev/null 2>&1 || need="$need dovecot-imapd dovecot-pop3d"
if [ -n "$need" ]; then
    apt-get update -qq
    # policy-rc.d in containers keeps the packages' own services from starting; run.py starts
    # private instances with their own config and stops them by PID.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
fi

py27_pins="requests==2.27.1 urllib3==1.26.20 idna==2.10 chardet==4.0.0 certifi==2021.10.8 python-memcached==1.59 pg8000==1.12.5 six==1.17.0"
py3_pins="pyftpdlib==2.2.0 pyopenssl==26.4.0 aiosmtpd==1.4.6"

mkdir -p "$deps"
# Each directory is rebuilt when its pins change (the .done marker records them).
if [ "$(cat "$deps/site/.done" 2>/dev/null)" != "$py27_pins" ]; then
    rm -rf "$deps/wheels" "$deps/site"
    python3 -m pip download -q --disable-pip-version-check --python-version 2.7 \
        --only-binary=:all: --no-deps -d "$deps/wheels" $py27_pins
    mkdir -p "$deps/site"
    python3 - "$deps/wheels" "$deps/site" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1:]
for name in sorted(os.listdir(src)):
    zipfile.ZipFile(os.path.join(src, name)).extractall(dst)
PY
    # Jython compiles each module at every import unless a $py.class is beside it (and the
    # environment may say PYTHONDONTWRITEBYTECODE): compile them once here, as pip would for
    # CPython (a file it cannot compile is listed in compileall.log and compiled again at import).
    if command -v jython >/dev/null 2>&1; then
        env -u PYTHONDONTWRITEBYTECODE jython -m compileall -q "$deps/site" >"$deps/compileall.log" 2>&1 || true
        echo "tests/libs/setup.sh: $(find "$deps/site" -name '*$py.class' | wc -l) modules compiled for Jython"
    fi
    echo "$py27_pins" >"$deps/site/.done"
fi
if [ "$(cat "$deps/py3/.done" 2>/dev/null)" != "$py3_pins" ]; then
    rm -rf "$deps/py3"
    python3 -m pip install -q --disable-pip-version-check --no-warn-script-location \
        --target "$deps/py3" $py3_pins
    echo "$py3_pins" >"$deps/py3/.done"
fi
echo "tests/libs/setup.sh: dependencies ready in $deps"
