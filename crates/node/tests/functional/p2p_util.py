"""Helpers shared by the p2p_*.py scripts (not a test itself).

Importing it writes the framework's config.ini (through node_basics), as the scripts'
own imports of the framework need it first.

`known_difference` runs one step of a script that soud does not yet do as Core does.
Against bitcoind the step must pass like any other. Against soud a failure is printed as
a KNOWN DIFFERENCE, with Core's behaviour, soud's and where soud's code for it lives, and
the script goes on; a step that passes against soud is printed too, so that the marker is
removed once soud changes.
"""

import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import node_basics  # noqa: E402,F401  (writes the framework's config.ini)


def is_soud(test):
    """True when the framework drives soud rather than bitcoind."""
    return os.path.basename(test.options.bitcoind).startswith("soud")


def known_difference(test, step, core, soud, suspect, check):
    """Runs `check()`; see the module's documentation. True when it passed."""
    if not is_soud(test):
        check()
        return True
    # The framework logs an ERROR with the predicate's source when a wait times out:
    # expected here, so kept out of the output.
    waits = logging.getLogger("TestFramework.utils")
    was_disabled = waits.disabled
    waits.disabled = True
    try:
        check()
    except AssertionError as e:
        text = str(e).strip()
        if text.startswith("Predicate"):
            first = "timed out waiting"
        else:
            first = text.splitlines()[0] if text else type(e).__name__
        test.log.warning(
            "KNOWN DIFFERENCE (expected to fail on soud only): %s\n"
            "    Core: %s\n    soud: %s\n    suspect: %s\n    failure: %s",
            step, core, soud, suspect, first[:300])
        return False
    finally:
        waits.disabled = was_disabled
    test.log.warning("KNOWN DIFFERENCE GONE: '%s' now passes on soud: remove its marker", step)
    return True

