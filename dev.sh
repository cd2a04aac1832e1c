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
    # OpenCV, which the OCR engine uses, loads these shared libraries even without a screen.
    need_apt libgl1 libglib2.0-0
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
        mkdir -p var/inbox/edi var/inbox/fax var/inbox/mail
        cat <<'MSG'
orderdesk runs on embedded defaults (SQLite in var/, the sample catalog in examples/catalog).
Drop files to process into:
  var/inbox/edi    EDI interchanges (X12 850, EDIFACT ORDERS)
  var/inbox/fax    scanned faxes and PDFs
  var/inbox/mail   e-mails saved as .eml
Results: confirmations and staff mails in var/maildir, ERP import files in var/export,
EDI acknowledgements in var/outbound/edi, taken files in var/archive.
Review desk: http://127.0.0.1:8080/ (users: orderdesk user add NAME --role clerk|admin)
Health: http://127.0.0.1:9108/healthz   metrics: http://127.0.0.1:9108/metrics   Stop: Ctrl-C
MSG
        # The first admin, once, on a database without users: its one-time password is printed now.
        .venv/bin/orderdesk user init
        exec .venv/bin/orderdesk run
        ;;
    test)
        need_apt fonts-wqy-microhei   # CJK font the PDF and fax tests draw their documents with
        need_apt dovecot-imapd dovecot-core   # the real IMAP server the watcher tests start on loopback
        need_apt postgresql   # the real PostgreSQL server the store tests start on loopback
        need_apt chromium   # the headless browser the review desk tests drive (Playwright, no download)
        setup
        exec .venv/bin/python -m pytest -q "${@:2}"
        ;;
    *)
        echo "usage: ./dev.sh run | ./dev.sh test [pytest args]" >&2; exit 2
        ;;
esac
