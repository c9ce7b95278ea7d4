"""Knowledge the tagger matches against: the actor catalogue and the gazetteer (packaged YAML data)."""

from faultline.knowledge.catalog import ACTOR_KINDS, ActorEntry, Catalog, Role, load_catalog
from faultline.knowledge.gazetteer import PLACE_KINDS, Gazetteer, PlaceEntry, load_gazetteer

__all__ = [
    "ACTOR_KINDS",
    "PLACE_KINDS",
    "ActorEntry",
    "Catalog",
    "Gazetteer",
    "PlaceEntry",
    "Role",
    "load_catalog",
    "load_gazetteer",
]
