#!/usr/bin/env bash
# Builds a real Mattermost server (11.4.0) from the Go module proxy for the
# integration test, or reuses the one built before, and prints the two
# variables the test reads:
#   SAMVERKAN_MM_BIN   the server binary
#   SAMVERKAN_MM_SRC   its source folder (the server needs i18n/, templates/, fonts/)
# The newest server that builds here from the module proxy: the proxy
# serves no version list for server/v8 and refuses most versions (every
# release branch, master, and the pseudo-versions of mid-2026 and of
# 2025-12-29 tried); this commit of 2026-01-13 resolves, and its version
# file says 11.4.0. Its go.mod asks for server/public v0.1.20, which does
# not compile with it (nor do v0.1.21-v0.3.0); the public commit of the
# same afternoon (v0.1.22-0.20260113165922-8e4cadbc88ee) does. GONOSUMDB
# and -mod=mod because the proxy's checksum database has no entry for
# them. A cold build takes about 5 minutes on 2 cores. (9.9.0, the server
# used before, is in ../shared/PLATFORMS.md.)
set -euo pipefail
version=v8.0.0-20260113162330-9e1d4c2072c0
public=v0.1.22-0.20260113165922-8e4cadbc88ee
cache=${SAMVERKAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/samverkan}/mattermost-$version
bin=$cache/mattermost
src=$cache/src
if [ ! -x "$bin" ] || [ ! -d "$src/i18n" ]; then
  export GONOSUMDB=github.com/mattermost GOFLAGS=-mod=mod
  echo "building Mattermost $version into $cache (a few minutes)" >&2
  dir=$(go mod download -json "github.com/mattermost/mattermost/server/v8@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  rm -rf "$src.tmp" && mkdir -p "$cache" && cp -r "$dir" "$src.tmp" && chmod -R u+w "$src.tmp"
  printf '\nreplace github.com/mattermost/mattermost/server/public => github.com/mattermost/mattermost/server/public %s\n' "$public" >> "$src.tmp/go.mod"
  (cd "$src.tmp" && go build -o "$bin.tmp" ./cmd/mattermost) >&2
  rm -rf "$src" && mv "$src.tmp" "$src" && mv "$bin.tmp" "$bin"
fi
echo "export SAMVERKAN_MM_BIN=$bin SAMVERKAN_MM_SRC=$src"
