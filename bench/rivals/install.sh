#!/bin/sh
# Installs the rival tools used by bench/rivals/*.sh, outside the repository.
# npm packages go to $NK_RIVALS (default /work/rivals); Debian packages via apt.
# Nothing here is needed to build or test nkpipe itself.
set -eu
NK_RIVALS=${NK_RIVALS:-/work/rivals}
mkdir -p "$NK_RIVALS"
if [ "${NK_SKIP_APT:-0}" != 1 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    hyperfine python3-readability python3-lxml libboilerpipe-java \
    default-jdk-headless libnekohtml-java libxerces2-java libxml2-utils >/dev/null
fi
cd "$NK_RIVALS"
[ -f package.json ] || printf '{"name":"nkpipe-rivals","private":true}\n' > package.json
npm install --no-audit --no-fund --loglevel=error \
  wink-nlp wink-eng-lite-web-model compromise sbd \
  @mozilla/readability jsdom vader-sentiment
echo "rivals installed in $NK_RIVALS"
