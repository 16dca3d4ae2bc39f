#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""serve.py PEER - one process for many commands of a peer (PEER.py here).

A test file that asks a peer something at every check pays a Python and
Scapy start-up each time (a second or more on a busy machine). serve.py
imports PEER once and runs its main() for each line of stdin: the line is
the command line (arguments separated by tabs; none holds a tab or a
newline). After each command: whatever it printed, then a line "rc N", its
exit status (2 for an exception, its traceback on stderr). The peer's code
is the same as when it runs alone; Scapy's routes and interfaces are read
again before each command (the rig may have changed them since the last).
"""
import importlib
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def exit_status(e):
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code
    print(e.code, file=sys.stderr)  # sys.exit("message")
    return 1


def main():
    peer = importlib.import_module(sys.argv[1])
    for line in sys.stdin:
        sys.argv = [peer.__file__] + line.rstrip("\n").split("\t")
        scapy_conf = getattr(sys.modules.get("scapy.config"), "conf", None)
        try:
            if scapy_conf is not None:
                scapy_conf.ifaces.reload()
                scapy_conf.route.resync()
                scapy_conf.route6.resync()
            rc = peer.main() or 0
        except SystemExit as e:
            rc = exit_status(e)
        except Exception:  # noqa: BLE001 - reported; the next command runs
            traceback.print_exc()
            rc = 2
        sys.stderr.flush()
        print("rc %d" % rc, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
