#!/bin/sh
# install.sh - install the board files (run as root from the source tree
# after `make install`). Creates the kiosk user, the folders, the units and
# the udev rule. Keys and the compatible string are installed separately
# (docs/updates.md, "Installation").
set -eu
b=$(dirname "$0")
id kiosk >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/kiosk-home \
	--shell /usr/sbin/nologin kiosk
install -d -m 0755 /usr/local/lib/kiosk /etc/kiosk /etc/kiosk/keys
install -m 0755 "$b/kiosk-stick-update.sh" /usr/local/lib/kiosk/kiosk-stick-update
install -m 0755 "$b/kiosk-stick-serve.sh" /usr/local/lib/kiosk/kiosk-stick-serve
install -m 0755 "$b/kiosk-fleet-install.sh" /usr/local/lib/kiosk/kiosk-fleet-install
install -m 0644 "$b/systemd/kiosk.service" "$b/systemd/kiosk-update@.service" \
	"$b/systemd/kiosk-health.path" "$b/systemd/kiosk-health.service" "$b/systemd/kiosk-hub.service" \
	"$b/systemd/kiosk-fleet-agent.service" "$b/systemd/kiosk-fleet-install.path" \
	"$b/systemd/kiosk-fleet-install.service" /etc/systemd/system/
install -m 0644 "$b/udev/90-kiosk-update.rules" "$b/udev/60-kiosk-printer.rules" /etc/udev/rules.d/
install -d /etc/polkit-1/rules.d
install -m 0644 "$b/polkit/50-kiosk-time.rules" /etc/polkit-1/rules.d/
install -m 0644 "$b/tmpfiles/kiosk.conf" /etc/tmpfiles.d/
systemd-tmpfiles --create /etc/tmpfiles.d/kiosk.conf
systemctl daemon-reload
udevadm control --reload
systemctl enable kiosk.service kiosk-health.path kiosk-hub.service kiosk-fleet-agent.service \
	kiosk-fleet-install.path
echo "board files installed; now add /etc/kiosk/keys/*.pub and /etc/kiosk/compatible"
