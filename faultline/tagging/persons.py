"""People the catalogue may not know, found from the text's structure, and office holders named by title.

- "a commander identified as X", "identified by CENTCOM as X", "named as X": X is a person;
- "X, leader of Y" / "X, the head of Y": X is a person and a member of Y;
- "<title> X" ("President Bill Clinton", "Iraqi Prime Minister X"): X is a person of the title's country;
- a title without a name ("Iraqi Prime Minister") is resolved through the catalogue's roles on the date;
- "whose real name ... as X" adds X as another mention of the person just introduced.
Unknown people become unresolved actors; later mentions of their family name are linked to them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from faultline.tagging.actors import ActorResolver, Resolution
from faultline.tagging.lexicon import Cue, Hit
from faultline.tagging.normalise import fold
from faultline.tagging.records import ActorRecord

_PARTICLES = r"(?:al|el|bin|ibn|bint|abu|abd|de|del|della|van|von|der|den|da|di|du|dos|das|la|le|ul|ud|ben)"
_WORD = r"[A-Z\u00c0-\u00de][\w'\u2019\-]*"
NAME = rf"(?:{_PARTICLES}[\s\-])?{_WORD}(?:\s+(?:{_PARTICLES}[\s\-]+)?{_WORD}){{0,4}}"
_NAME_AT = re.compile(rf"\s*({NAME})")
_NON_SPACE = re.compile(r"\S")
_ARTICLES = ("the", "a", "an")
_AS_NAME = re.compile(rf"[^,;.\u2014\n]{{0,80}}?\bas\s+({NAME})")
_NAME_BEFORE_ROLE = re.compile(rf"({NAME}),\s+[^,;:()\u2014\n]{{0,100}}$")
_NOT_NAMES = frozenset(
    {
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "his",
        "her",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "on",
        "in",
        "at",
        "by",
        "for",
        "and",
        "but",
        "as",
        "of",
        "to",
        "from",
        "with",
        "after",
        "before",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mr",
        "mrs",
        "ms",
        "dr",
        "who",
        "which",
        "minister",
        "president",
        "government",
        "state",
        "states",
        "department",
        "ministry",
        "office",
        "council",
        "command",
        "forces",
        "army",
        "police",
        "party",
        "agency",
        "news",
        "reuters",
        "afp",
        "ap",
        "said",
        "says",
    }
)
_TRAILING_NOISE = frozenset(
    {"said", "says", "told", "on", "in", "at", "and", "has", "had", "was", "is", "who", "the"}
)


def _clean_name(raw: str) -> str | None:
    words = raw.split()
    while words and words[-1].lower().strip("'\u2019") in _TRAILING_NOISE:
        words.pop()
    if not words or words[0].lower().strip(".") in _NOT_NAMES:
        return None
    if all(w.lower() in _NOT_NAMES for w in words):
        return None
    name = " ".join(words).rstrip("'\u2019-.")
    if name.endswith(("'s", "\u2019s")):
        name = name[:-2]
    return name or None


class PersonFinder:
    """Adds people found by structural cues to a resolution."""

    def __init__(self, resolver: ActorResolver) -> None:
        self.resolver = resolver
        self.catalog = resolver.catalog
        self._holder_cache: dict[tuple[str, date | None], list] = {}

    def find(self, text: str, folded: str, res: Resolution, cues: list[Hit], on: date | None) -> None:
        mention_starts = sorted((m.start, m.end, m.key) for m in res.mentions)
        for hit in cues:
            for cue in hit.cues:
                if cue.name == "titles":
                    self._title(text, res, hit, mention_starts, on)
                elif cue.name == "person_intro":
                    self._intro(text, res, hit, cue, mention_starts)
                elif cue.name == "person_roles":
                    self._role_of(text, res, hit, mention_starts)
        self._corefer(folded, res)

    # ------------------------------------------------------------------------------------- cues

    def _title(self, text: str, res: Resolution, hit: Hit, mentions: list, on: date | None) -> None:
        capitalised = text[hit.start : hit.start + 1].isupper()
        after = _mention_at(mentions, hit.end, text)
        if after is not None:
            return  # a catalogue person follows the title
        country = self._country_before(text, hit, mentions)
        match = _NAME_AT.match(text, hit.end)
        name = _clean_name(match.group(1)) if match and text[hit.end : hit.end + 1] == " " else None
        if name and match and not _overlaps(mentions, match.start(1), match.start(1) + len(name)):
            start = match.start(1)
            self._new_person(res, name, country, start, start + len(name), "person:title", ())
            return
        if country and capitalised:
            self._office_holder(text, res, hit, country, on)

    def _office_holder(self, text: str, res: Resolution, hit: Hit, country: str, on: date | None) -> None:
        state = self.catalog.state_of(country)
        if state is None:
            return
        title = " ".join(w.capitalize() for w in text[hit.start : hit.end].split())
        holders = self._holders(f"{title} of {state.name}", on)
        if len(holders) == 1:
            res.add_actor_mention(self.resolver.record(holders[0].id), hit.start, hit.end, "role")

    def _holders(self, role: str, on: date | None) -> list:
        key = (role, on)
        if key not in self._holder_cache:
            if len(self._holder_cache) > 4096:
                self._holder_cache.clear()
            self._holder_cache[key] = self.catalog.holders(role, on)
        return self._holder_cache[key]

    def _country_before(self, text: str, hit: Hit, mentions: list) -> str | None:
        i = bisect_right(mentions, (hit.start, hit.start, "")) - 1
        if i < 0:
            return None
        start, end, key = mentions[i]
        gap = text[end : hit.start]
        if gap.strip() not in ("", "'s", "\u2019s"):
            return None
        record = self.resolver.catalog.actors.get(key)
        return record.country if record is not None else None

    def _intro(self, text: str, res: Resolution, hit: Hit, cue: Cue, mentions: list) -> None:
        pattern = (
            _NAME_AT
            if cue.surface in ("identified as", "named as", "known as", "a man named", "a woman named")
            else _AS_NAME
        )
        match = pattern.match(text, hit.end)
        if match is None:
            return
        name = _clean_name(match.group(1))
        if not name or len(name.split()) < 2:
            return
        start = match.start(1)
        if _overlaps(mentions, start, start + len(name)):
            return
        if cue.surface == "whose real name":
            previous = _last_person_before(res, hit.start)
            if previous is not None:
                res.add_actor_mention(previous, start, start + len(name), "alias")
            return
        self._new_person(res, name, None, start, start + len(name), "person:introduced", ())

    def _role_of(self, text: str, res: Resolution, hit: Hit, mentions: list) -> None:
        window_start = max(0, hit.start - 140)
        match = _NAME_BEFORE_ROLE.search(text, window_start, hit.start)
        if match is None:
            return
        name = _clean_name(match.group(1))
        if not name or len(name.split()) < 2:
            return
        start = match.start(1)
        if _overlaps(mentions, start, start + len(name)):
            return
        org = _mention_at(mentions, hit.end, text, skip_article=True)
        member_of: tuple[str, ...] = ()
        if org is not None and org in self.catalog.actors:
            member_of = (org, *self.resolver.members(org))
        country = self.catalog.actors[org].country if org in self.catalog.actors else None
        self._new_person(res, name, country, start, start + len(name), "person:role-of", member_of)

    # ------------------------------------------------------------------------------------- records

    def _new_person(
        self,
        res: Resolution,
        name: str,
        country: str | None,
        start: int,
        end: int,
        rule: str,
        member_of: tuple[str, ...],
    ) -> None:
        key = f"person:{fold(name).strip()}"
        record = res.actors.get(key) or ActorRecord(
            key, None, name, "person", country, False, tuple(sorted(set(member_of))), rule
        )
        if record.country is None and country:
            record.country = country
        res.add_actor_mention(record, start, end, "name")

    def _corefer(self, folded: str, res: Resolution) -> None:
        """Later mentions of a new person's family name ("al-Lami" after "Abu Haider al-Lami")."""
        taken = sorted((s, e) for r in res.actors.values() for s, e in r.mentions)
        for record in [r for r in res.actors.values() if r.id is None and r.kind == "person"]:
            words = fold(record.name).split()
            if len(words) < 2:
                continue
            short = [" ".join(words[-2:])] if words[-2] in ("al", "el") else []
            short.append(words[-1])
            first_end = min(e for _, e in record.mentions)
            for form in short:
                pos = folded.find(f" {form} ", first_end - 1)
                while pos >= 0:
                    s, e = pos + 1, pos + 1 + len(form)
                    if not any(ts < e and s < te for ts, te in taken):
                        res.add_actor_mention(record, s, e, "short_name")
                        taken.append((s, e))
                    pos = folded.find(f" {form} ", e)


def _mention_at(mentions: list, offset: int, text: str, skip_article: bool = False) -> str | None:
    """Key of the mention starting right after ``offset`` (whitespace, and "the" when asked, between)."""
    i = bisect_right(mentions, (offset, -1, ""))
    if i >= len(mentions):
        return None
    start, _, key = mentions[i]
    word = _NON_SPACE.search(text, offset, start)  # the gap is read only up to its first word
    if word is None:
        return key
    if skip_article:
        at = word.start()
        for article in _ARTICLES:
            after = at + len(article)
            if (
                text[at:after].lower() == article
                and after <= start
                and _NON_SPACE.search(text, after, start) is None
            ):
                return key
    return None


def _overlaps(mentions: list, start: int, end: int) -> bool:
    i = bisect_right(mentions, (end, end, "")) - 1
    while i >= 0 and mentions[i][1] > start - 200:
        s, e, _ = mentions[i]
        if s < end and start < e:
            return True
        i -= 1
    return False


def _last_person_before(res: Resolution, offset: int) -> ActorRecord | None:
    best: tuple[int, ActorRecord] | None = None
    for record in res.actors.values():
        if record.kind != "person":
            continue
        for s, _ in record.mentions:
            if s < offset and (best is None or s > best[0]):
                best = (s, record)
    return best[1] if best else None
