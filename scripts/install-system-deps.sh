#!/usr/bin/env bash
# Debian packages the tests and fixture rendering use: LibreOffice (DOCX/.doc → PDF, legacy .doc/.wps
# conversion), a CJK font so rendered PDFs have a real text layer, Chromium (headless browser test
# of the Data Docs site and the Dagster UI) and poppler-utils (pdftotext: the fuzzer's torn-table and
# vertical-label degradations extract rendered PDFs the way converters in the wild do). Idempotent;
# never fatal: without them the tests that need them skip with a message saying so.
set -u
if command -v soffice >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
    && command -v pdftotext >/dev/null 2>&1 \
    && fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk'; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: no apt-get here; install LibreOffice, poppler-utils and a CJK font by hand" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
export DEBIAN_FRONTEND=noninteractive
{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui fonts-wqy-zenhei chromium poppler-utils; } >/tmp/xxgk-apt.log 2>&1 \
  || echo "install-system-deps: apt-get failed (see /tmp/xxgk-apt.log); LibreOffice, pdftotext and browser tests will skip" >&2
exit 0
