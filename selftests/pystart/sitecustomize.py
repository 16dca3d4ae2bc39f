# Start-up of the suite's Python processes (on PYTHONPATH from
# scripts/topology.sh and selftests/run.sh; Python imports it at start).
#
# Importing any Scapy layer imports scapy.data, which parses Wireshark's
# vendor database (/usr/share/wireshark/manuf, 50,000 lines; tshark is
# installed for the tests) into a dict, and scapy.config imports the
# cryptography package to see whether Scapy's TLS and IPsec layers could
# work. Together 0.22 of the 0.43 CPU-s a Scapy peer takes to start, and the
# suite starts hundreds. No peer prints vendor names or uses those layers,
# so both are left out: Scapy then starts with an empty vendor table and
# conf.crypto_valid False. Nothing else changes.
#
# This replaces Debian's /etc/python3.11/sitecustomize.py for these
# processes, which only installs apport's crash hook (not installed here).
import importlib.machinery
import os
import sys

_MANUF = os.path.join("share", "wireshark", "manuf")


class _ScapyStart:
    """Finds scapy.data without the vendor file, and no cryptography."""

    def find_spec(self, name, path, target=None):
        if name == "cryptography":
            raise ModuleNotFoundError("cryptography: left out of the tests' Scapy",
                                      name=name)
        if name != "scapy.data":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            return None
        run = spec.loader.exec_module

        def exec_without_manuf(module):
            # scapy.data looks the file up with os.path.exists
            # (select_path) once, at import.
            exists = os.path.exists
            os.path.exists = lambda p: not os.fspath(p).endswith(_MANUF) and exists(p)
            try:
                run(module)
            finally:
                os.path.exists = exists

        spec.loader.exec_module = exec_without_manuf
        return spec


sys.meta_path.insert(0, _ScapyStart())
