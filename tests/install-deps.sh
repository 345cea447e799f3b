#!/usr/bin/env bash
# What the test suite needs besides Rust: Python's aiosmtpd for the real SMTP server the mail
# tests deliver to (tests/smtp_sink.py), and localstripe, the fake Stripe the Stripe tests pay
# through (tests/localstripe_launcher.py), and joserfc, the independent JOSE library the
# credential tests verify Open Badges credentials with (tests/verify_credential.py). Installed from PyPI (pinned in requirements.txt) when
# missing.
set -euo pipefail
cd "$(dirname "$0")"
if ! python3 -c 'import aiosmtpd, localstripe, joserfc' 2>/dev/null; then
  python3 -m pip install --quiet --user -r requirements.txt 2>/dev/null \
    || python3 -m pip install --quiet -r requirements.txt 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages -r requirements.txt
fi
python3 -c 'import aiosmtpd' || { echo "aiosmtpd is required by the mail tests" >&2; exit 1; }
python3 -c 'import localstripe' || { echo "localstripe is required by the Stripe tests" >&2; exit 1; }
python3 -c 'import joserfc' || { echo "joserfc is required by the credential tests" >&2; exit 1; }
