#!/usr/bin/env bash
# Assembles the production tree in $1 from a built checkout (after `npm ci` and `npm run build`): the manifest and
# lockfile for `npm ci --omit=dev`, the bundles, and the files the processes read at run time (lib/paths.ts).
# Used by the Dockerfile's build stage, and so by CI's production-tree check (release/check.ts).
set -euo pipefail
dest=$1
mkdir -p "$dest"
cp package.json package-lock.json "$dest/"
for path in dist prisma/generated prisma/migrations policies mail/templates web/views web/public; do
  mkdir -p "$dest/$(dirname "$path")"
  cp -R "$path" "$dest/$path"
done
