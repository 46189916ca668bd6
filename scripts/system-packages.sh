#!/usr/bin/env bash
# Installs the Debian packages the portal (`run`), its tests (`test`) or its benchmarks (`bench`) need, where they are missing and we may.
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint
#   fonts-noto-cjk     Chinese text in PDFs and pages
#   libharfbuzz-subset0  WeasyPrint's font subsetting
#   gettext            compilemessages (the Chinese catalogue is compiled, not committed)
# and for the tests:
#   chromium           browser tests (Playwright drives Debian's Chromium; it cannot download its own)
#   poppler-utils      pdftoppm and pdftotext, to look at rendered newsletters
#   npm                the front-end test tools (axe-core, vnu-jar) from the npm registry (`make assets`)
#   default-jre-headless  the Nu HTML checker (vnu-jar) runs on Java
# and for the benchmarks (`bench`):
#   wrk                bench/pages.py's load run against gunicorn
set -euo pipefail
purpose=${1:-test}
need=()
# Read each listing whole before searching it: `grep -q` stops at the first match, and under `pipefail` the listing
# command it leaves writing into a closed pipe dies of SIGPIPE, which reads as "missing" (and apt-get on every run).
libraries=$(ldconfig -p 2>/dev/null || true)
fonts=$(fc-list 2>/dev/null || true)
grep -q libpangoft2-1.0 <<<"$libraries" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "$purpose" = test ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pdftoppm >/dev/null || need+=(poppler-utils)
  command -v npm >/dev/null || need+=(npm)
  command -v java >/dev/null || need+=(default-jre-headless)
fi
if [ "$purpose" = bench ]; then
  command -v wrk >/dev/null || need+=(wrk)
fi
grep -qi "Noto Sans CJK" <<<"$fonts" || need+=(fonts-noto-cjk)
grep -q libharfbuzz-subset <<<"$libraries" || need+=(libharfbuzz-subset0)
command -v msgfmt >/dev/null || need+=(gettext)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Missing system packages (install them with your package manager): ${need[*]}" >&2
fi
