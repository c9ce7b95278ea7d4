"""What alert rules, titles and subscriptions need to know about actors.

Works from the ActorRefs carried by events and alerts; with the catalogue it also knows whom an actor
leads and the transitive membership of catalogue entries. A person acts as the groups they lead or
belong to ("Hadi al-Amiri warned ..." is the Badr Organization speaking); an organisation acts only as
its own kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faultline.knowledge.datafiles import surface_key
from faultline.schema import ActorRef

if TYPE_CHECKING:
    from faultline.knowledge.catalog import ActorEntry, Catalog


class ActorView:
    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog
        self._by_form: dict[str, set[str]] = {}
        if catalog is not None:
            for entry in catalog.actors.values():
                for text, _form in entry.forms():
                    self._by_form.setdefault(surface_key(text), set()).add(entry.id)

    def _entry(self, actor_id: str | None) -> ActorEntry | None:
        if self.catalog is None or not actor_id:
            return None
        return self.catalog.get(actor_id)

    def kind(self, ref: ActorRef) -> str | None:
        if ref.kind:
            return ref.kind
        entry = self._entry(ref.id)
        return entry.kind if entry else None

    def affiliations(self, ref: ActorRef) -> frozenset[str]:
        """Ids of every group ``ref`` belongs to or leads, transitively (not ``ref`` itself)."""
        found: set[str] = set(ref.member_of)
        entry = self._entry(ref.id)
        if entry is not None and self.catalog is not None:
            found |= self.catalog.members_of(entry.id)
            for led in entry.leads:
                found.add(led)
                found |= self.catalog.members_of(led)
        found.discard(ref.id or "")
        return frozenset(found)

    def acts_as(self, ref: ActorRef) -> frozenset[str]:
        """The kinds ``ref`` acts as: its own, plus (for a person) those of the groups it leads or belongs to."""
        own = self.kind(ref)
        kinds = {own} if own else set()
        if own == "person":
            for group in self.affiliations(ref):
                entry = self._entry(group)
                if entry is not None:
                    kinds.add(entry.kind)
        return frozenset(kinds)

    def identities(self, ref: ActorRef) -> frozenset[str]:
        """The actor's own id plus the groups it leads and so speaks for (for rules and subscriptions
        naming actors); membership is a separate question (:meth:`affiliations`)."""
        ids = {ref.id} if ref.id else set()
        entry = self._entry(ref.id)
        if entry is not None:
            ids.update(entry.leads)
        return frozenset(ids)

    def resolve(self, term: str) -> frozenset[str]:
        """Catalogue ids a user's term names: an id, a name or any of its forms (empty when unknown)."""
        if self._entry(term) is not None:
            return frozenset({term})
        return frozenset(self._by_form.get(surface_key(term), ()))

    def display_name(self, ref: ActorRef, prefer_acronyms: bool = True) -> str:
        """A short name for a one-line title: an unambiguous acronym when asked for, else the name."""
        entry = self._entry(ref.id)
        if entry is not None and prefer_acronyms:
            for acronym in entry.acronyms:
                if acronym not in entry.ambiguous and "." not in acronym:
                    return acronym
        return ref.name or (entry.name if entry else "") or (ref.id or "unknown actor")

    def country_name(self, iso3: str) -> str:
        """The state's name for an ISO 3166-1 alpha-3 code (the code itself without a catalogue entry)."""
        state = self.catalog.state_of(iso3) if self.catalog is not None else None
        return state.name if state is not None else iso3

    def countries(self, ref: ActorRef) -> frozenset[str]:
        if ref.country:
            return frozenset({ref.country})
        entry = self._entry(ref.id)
        return frozenset({entry.country}) if entry and entry.country else frozenset()
