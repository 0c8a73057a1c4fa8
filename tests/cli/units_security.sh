#!/bin/sh
# units_security.sh - the board's systemd units are hardened: each unit
# file's exposure score from `systemd-analyze security --offline=yes`
# (systemd 252+, reads the file only, no running systemd needed) is printed
# and must not exceed its bound (kiosk.service 2.0, kiosk-update@.service
# 3.0, kiosk-health.service 2.0, kiosk-hub.service 2.0, kiosk-fleet-agent.service 2.0, kiosk-fleet-install.service 2.5; the first two were 8.5 before the units
# were tightened). Also checks the
# settings the issue names, so a unit cannot reach the score some other way.
set -u
command -v systemd-analyze >/dev/null 2>&1 || { echo "no systemd-analyze: skipped"; exit 77; }
systemd-analyze security --help 2>/dev/null | grep -q -- '--offline' ||
	{ echo "systemd-analyze has no --offline (systemd < 250): skipped"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
W="$TESTS_TMP/units"; rm -rf "$W"; mkdir -p "$W"
bad=0
for spec in kiosk.service:2.0 kiosk-update@.service:3.0 kiosk-health.service:2.0 kiosk-hub.service:2.0 kiosk-fleet-agent.service:2.0 kiosk-fleet-install.service:2.5; do
	unit=${spec%%:*} max=${spec#*:}
	# A template is analysed as one of its instances.
	name=$(echo "$unit" | sed 's/@\./@sda./')
	cp "board/systemd/$unit" "$W/$name"
	out=$(cd "$W" && systemd-analyze security --offline=yes --no-pager "$name" 2>&1)
	score=$(echo "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' | tail -n 1)
	[ -n "$score" ] || { echo "$out" | tail -n 5; fail "$unit: no score from systemd-analyze"; }
	echo "$unit: exposure $score (bound $max)"
	if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s > m) }'; then
		echo "$out" | grep '✗' | sed 's/^/  /'
		echo "FAIL: $unit: exposure $score above $max"
		bad=1
	fi
done
k=board/systemd/kiosk.service u=board/systemd/kiosk-update@.service h=board/systemd/kiosk-health.service
hb=board/systemd/kiosk-hub.service fa=board/systemd/kiosk-fleet-agent.service
fi=board/systemd/kiosk-fleet-install.service
for want in "$k:Restart=always" "$k:CapabilityBoundingSet=" "$k:RestrictAddressFamilies=AF_UNIX AF_NETLINK" \
	"$k:SystemCallFilter=@system-service" "$k:ProtectKernelModules=yes" "$k:NoNewPrivileges=yes" \
	"$u:PrivateNetwork=yes" "$u:RestrictAddressFamilies=AF_UNIX" "$u:ProtectKernelModules=yes" \
	"$u:NoNewPrivileges=yes" "$h:PrivateNetwork=yes" "$h:PrivateDevices=yes" \
	"$h:CapabilityBoundingSet=CAP_CHOWN CAP_FOWNER CAP_DAC_OVERRIDE" \
	"$hb:NoNewPrivileges=yes" "$hb:ProtectSystem=strict" "$hb:PrivateDevices=yes" \
	"$hb:RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "$hb:ReadWritePaths=/var/lib/kiosk/ledger" \
	"$hb:User=kiosk" "$fa:User=kiosk" "$fa:PrivateDevices=yes" "$fa:ProtectSystem=strict" \
	"$fa:RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "$fa:ReadWritePaths=/var/lib/kiosk/ledger /run/kiosk/req" \
	"$fi:PrivateNetwork=yes" "$fi:RestrictAddressFamilies=AF_UNIX" "$fi:NoNewPrivileges=yes" \
	"$fa:RestartPreventExitStatus=3"; do
	f=${want%%:*} line=${want#*:}
	grep -qx "$line" "$f" || { echo "FAIL: $f lacks $line"; bad=1; }
done
grep -q '^Restart=on-failure' "$k" && { echo "FAIL: $k: Restart=on-failure leaves the kiosk down after a clean exit"; bad=1; }
[ $bad = 0 ] || exit 1
echo "units_security: ok"
