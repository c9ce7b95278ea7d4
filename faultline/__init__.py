"""Faultline: escalation signals from conflict news, as a stream.

The ``faultline`` package is the pure core: schemas, names, settings, knowledge, tagging,
scoring and alert rules. It imports no broker or index client and reads no clock.
"""

__version__ = "0.1.0"
