#!/bin/sh
# screenshots.sh BIN DIR - render every screen and state in both orientations,
# both themes, 100% and 150% text and both languages into DIR; then the wall
# board's states (board-<state>__<orientation>__<theme>__<lang>.png).
set -eu
bin=$1; dir=$2
mkdir -p "$dir"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$bin/kiosk" --headless --size 1920x1080 --data "$data/l" --gallery "$dir"
"$bin/kiosk" --headless --size 1080x1920 --data "$data/p" --gallery "$dir"
# The wall board (kiosk --board): its sample states, both themes and languages.
"$bin/kiosk" --headless --size 1920x1080 --data "$data/bl" --board-gallery "$dir"
"$bin/kiosk" --headless --size 1080x1920 --data "$data/bp" --board-gallery "$dir"
