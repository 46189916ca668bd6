#!/usr/bin/env bash
# git merge driver for gettext catalogues: the union of both sides' entries, ours first where both translate
# the same message. Enable it once per clone:
#   git config merge.po.name "gettext catalogue union" && git config merge.po.driver "scripts/po-merge-driver.sh %O %A %B"
# then `make messages` to drop what no source uses any more.
set -euo pipefail
ours=$2 theirs=$3
msgcat --use-first "$ours" "$theirs" -o "$ours.merged"
mv "$ours.merged" "$ours"
