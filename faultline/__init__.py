"""Faultline: escalation signals from conflict news, as a stream.

The ``faultline`` package is the pure core: schemas, names, settings, knowledge, tagging,
scoring and alert rules. It imports no broker or index client and reads no clock.
"""

from faultline.compiled import activate as _activate_compiled_build

__version__ = "0.1.0"

_activate_compiled_build()  # the tagging core runs compiled only when every compiled module is current
