"""Alerting core: rules from data files, alert identity and revisions, spike tables, subscriptions.

Pure: no clock (callers pass ``now``), no I/O beyond reading the rules file; state lives in mappings the
caller keeps (changelog-backed tables in the processors).
"""

from faultline.alerting.actors import ActorView
from faultline.alerting.config import AlertRules, load_rules
from faultline.alerting.event_rules import EventAlerting, Step
from faultline.alerting.spikes import Observation, SpikeAlerting
from faultline.alerting.subscriptions import SubscriptionMatcher, SubscriptionSet

__all__ = [
    "ActorView", "AlertRules", "EventAlerting", "Observation", "SpikeAlerting", "Step",
    "SubscriptionMatcher", "SubscriptionSet", "load_rules",
]
