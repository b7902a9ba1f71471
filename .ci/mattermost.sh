#!/usr/bin/env bash
# Builds a real Mattermost server (9.9.0) from the Go module proxy for the
# integration test, or reuses the one built before, and prints the two
# variables the test reads:
#   SAMVERKAN_MM_BIN   the server binary
#   SAMVERKAN_MM_SRC   its source folder (the server needs i18n/, templates/, fonts/)
# Facts from ../shared/PLATFORMS.md: this pseudo-version of server/v8 is the
# one the proxy serves that builds with Go 1.26, with public v0.1.3 in place
# of the v0.1.0 it asks for; GONOSUMDB and -mod=mod because the proxy's
# checksum database has no entry for it. A cold build takes about 3 minutes
# on 2 cores.
set -euo pipefail
version=v8.0.0-20240520151130-4bdd8bb18e47
cache=${SAMVERKAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/samverkan}/mattermost-$version
bin=$cache/mattermost
src=$cache/src
if [ ! -x "$bin" ] || [ ! -d "$src/i18n" ]; then
  export GONOSUMDB=github.com/mattermost GOFLAGS=-mod=mod
  echo "building Mattermost $version into $cache (a few minutes)" >&2
  dir=$(go mod download -json "github.com/mattermost/mattermost/server/v8@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  rm -rf "$src.tmp" && mkdir -p "$cache" && cp -r "$dir" "$src.tmp" && chmod -R u+w "$src.tmp"
  printf '\nreplace github.com/mattermost/mattermost/server/public => github.com/mattermost/mattermost/server/public v0.1.3\n' >> "$src.tmp/go.mod"
  (cd "$src.tmp" && go build -o "$bin.tmp" ./cmd/mattermost) >&2
  rm -rf "$src" && mv "$src.tmp" "$src" && mv "$bin.tmp" "$bin"
fi
echo "export SAMVERKAN_MM_BIN=$bin SAMVERKAN_MM_SRC=$src"
