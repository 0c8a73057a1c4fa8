#!/bin/sh
# menus_layout.sh - every menu screen and view, landscape and portrait,
# normal and large text, with and without a message: targets >= 96 px,
# inside the screen, outside the corner zones, >= the a11y gap apart
# (tests/tools/menus_layout.c).
set -u
$RUN "$TTOOLS/menus_layout" "$ASSETS"
