"""Cutting a process off the network: the second wall behind the SERVICE guard.

A process moved into a network namespace of its own sees only a loopback device that is down:
every ``connect`` fails with "Network is unreachable", to 127.0.0.1 as to any other host, so a
query that got past graph.read_only still cannot call anywhere. Sockets the process already
holds (a query worker's socket pair with its server) keep working.

Linux only. Root may create the namespace directly; any other user needs a user namespace
around it (``CLONE_NEWUSER``), which most distributions allow unless
``kernel.unprivileged_userns_clone`` or ``user.max_user_namespaces`` forbid it. Both calls
demand a process with a single thread, so call ``isolate_network`` first thing in a fresh
process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def isolate_network() -> str:
    """Move this process into an empty network namespace; "" when that worked, else why not
    (the process then keeps its network)."""
    if not sys.platform.startswith("linux"):
        return f"kein Linux ({sys.platform}) / not Linux"
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    except OSError as error:
        return f"libc: {error}"
    reasons = []
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return ""
        reasons.append(os.strerror(ctypes.get_errno()))
    return "unshare: " + "; ".join(dict.fromkeys(reasons))
