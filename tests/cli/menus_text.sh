#!/bin/sh
# menus_text.sh - staff screens speak the translation files' words only:
# every menu state, failures included (no stick, no updater root, no clock
# helper, no printer), in Vietnamese and English, word by word
# (tests/tools/menus_text.c). A path, KIOSK_ROOT, an errno string or an
# English developer message on a screen fails it.
set -u
$RUN "$TTOOLS/menus_text" "$ASSETS"
