#!/usr/bin/env bash
# Set orderdesk up in ./.venv and run it or its tests.
#   ./dev.sh run    set up, load the sample catalog, and run orderdesk on embedded defaults
#   ./dev.sh test   set up and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}

need_apt() {
    # Debian packages the commands need; installed once, quietly, when missing.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing Debian packages: ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

setup() {
    if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
        echo "orderdesk needs Python 3.11 or newer as $PY" >&2; exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        "$PY" -m venv .venv 2>/dev/null || { need_apt python3-venv; rm -rf .venv; "$PY" -m venv .venv; }
    fi
    local stamp=.venv/.installed
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e '.[test]'
        touch "$stamp"
    fi
}

case "${1:-}" in
    run)
        setup
        mkdir -p var
        .venv/bin/orderdesk catalog import examples/catalog
        exec .venv/bin/orderdesk process examples/orders/* --catalog examples/catalog
        ;;
    test)
        need_apt fonts-wqy-microhei   # CJK font the PDF and fax tests draw their documents with
        need_apt dovecot-imapd dovecot-core   # the real IMAP server the watcher tests start on loopback
        setup
        exec .venv/bin/python -m pytest -q "${@:2}"
        ;;
    *)
        echo "usage: ./dev.sh run | ./dev.sh test [pytest args]" >&2; exit 2
        ;;
esac
