#!/bin/sh
# lockdown.sh - one-time lockdown of a kiosk image (run as root while
# building the image; idempotent). See board/README.md.
set -eu
systemctl mask ctrl-alt-del.target            # Ctrl-Alt-Del does nothing
systemctl mask getty@tty1.service autovt@tty1.service  # no login on tty1
systemctl mask swap.target                    # no swap: nothing paged to disk
swapoff -a || true
if grep -qE '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab; then
	sed -i -E 's/^([^#].*[[:space:]]swap[[:space:]].*)$/# \1  # disabled by kiosk lockdown/' /etc/fstab
fi
install -m 0644 "$(dirname "$0")/sysctl/90-kiosk-lockdown.conf" /etc/sysctl.d/
install -d /etc/systemd/logind.conf.d
install -m 0644 "$(dirname "$0")/logind/90-kiosk.conf" /etc/systemd/logind.conf.d/
sysctl --system >/dev/null
echo "lockdown applied"
