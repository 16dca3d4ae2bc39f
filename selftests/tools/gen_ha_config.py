#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""gen_ha_config.py - a home agent configuration with N mobile nodes, for
the config-load tests and the curve (selftests/tools/config_curve.sh).

Entry i (0-based) has home address 2001:db8:1::/64 + (i + 1), SPI 256 + i
(or 3000000000 + i written with the L suffix, --big-spi) and a 16-octet key
whose hex is expected_key(i): written inline, or in a file of its own
(--keys files: DIR/keys/mn<i>.key, mode 0600), or all entries on one line
(--one-line). The test recomputes home address, SPI and key from i itself.

    gen_ha_config.py N OUT.conf [--keys inline|files] [--one-line]
                     [--big-spi] [--iface NAME] [--address ADDR]
                     [--max-bindings N] [--top 'SETTING = VALUE;']...
"""
import argparse
import ipaddress
import os

PREFIX = ipaddress.IPv6Address("2001:db8:1::")


def home_address(i):
    return str(PREFIX + i + 1)


def spi(i, big=False):
    return 3000000000 + i if big else 256 + i


def expected_key(i):
    # 16 octets: the index, then a fixed pattern (distinct per node).
    return "%08x" % i + "a5c3e1f0" + "%016x" % (i * 0x9E3779B97F4A7C15 % (1 << 64))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--keys", choices=("inline", "files"), default="inline")
    ap.add_argument("--one-line", action="store_true")
    ap.add_argument("--big-spi", action="store_true")
    ap.add_argument("--iface", default="xmcfg0")
    ap.add_argument("--address", default="2001:db8:1::ffff:1")
    ap.add_argument("--max-bindings", type=int, default=0)
    ap.add_argument("--top", action="append", default=[],
                    help="a top-level setting, written as given")
    a = ap.parse_args()

    old = os.umask(0o077)
    keydir = os.path.join(os.path.dirname(os.path.abspath(a.out)), "keys")
    if a.keys == "files":
        os.makedirs(keydir, exist_ok=True)
    sep = " " if a.one_line else "\n"
    with open(a.out, "w") as f:
        for line in a.top:
            f.write(line + "\n")
        f.write('home-agent = {\n\taddress = "%s";\n' % a.address)
        f.write('\thome-prefix = "2001:db8:1::/64";\n')
        f.write('\tinterfaces = [ "%s" ];\n' % a.iface)
        if a.max_bindings:
            f.write("\tmax-bindings = %d;\n" % a.max_bindings)
        f.write("\tmobile-nodes = (%s" % sep)
        parts = []
        for i in range(a.n):
            s = spi(i, a.big_spi)
            s = "%dL" % s if a.big_spi else str(s)
            if a.keys == "files":
                path = os.path.join(keydir, "mn%d.key" % i)
                with open(path, "w") as kf:
                    kf.write(expected_key(i) + "\n")
                key = 'key-file = "keys/mn%d.key";' % i
            else:
                key = 'key = "%s";' % expected_key(i)
            parts.append('{ home-address = "%s"; spi = %s; %s }'
                         % (home_address(i), s, key))
        f.write(("," + sep).join(parts))
        f.write("%s);\n};\n" % sep)
    os.umask(old)


if __name__ == "__main__":
    main()
