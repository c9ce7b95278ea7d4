"""The signal ontology: PLOVER event types and modes, their conflict-cooperation scores, the trigger lexicon
and the closed-class cues the tagger reads around a trigger.

Everything lives in ``data/signals.yaml``; its ``version`` is the rules version stamped on every tag result.
The loader expands the lexicon (verb lemmas to their inflections, nouns to their plurals), validates it and
raises :class:`~faultline.errors.KnowledgeError` listing every problem found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from faultline.errors import KnowledgeError
from faultline.knowledge.datafiles import load_yaml, raise_if_problems

SIGNALS_PATH = Path(__file__).resolve().parent / "data" / "signals.yaml"

EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
QUADS: tuple[str, ...] = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)
#: Forms of a trigger surface: how it relates to its lemma (used for voice and modality).
FORMS: tuple[str, ...] = (
    "base",
    "third",
    "past",
    "participle",
    "past_participle",
    "gerund",
    "singular",
    "plural",
    "phrase",
)
_GROUP_FIELDS = frozenset({"verbs", "nouns", "phrases", "weapons"})
_TOP_FIELDS = frozenset(
    {
        "version",
        "types",
        "governing",
        "future_as",
        "refused_as",
        "threat_as",
        "triggers",
        "none",
        "cues",
        "irregular_verbs",
        "double_final",
        "uncountable",
        "compounds",
        "spelling_variants",
        "strong_governors",
        "weak_governors",
    }
)
_COMPOUND_FIELDS = frozenset({"as", "verbs", "objects", "reach", "weak"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class EventType:
    """One PLOVER event type with its quad category, its score and the scores of its modes."""

    name: str
    quad: str
    score: float
    modes: Mapping[str, float] = field(default_factory=dict)

    def weight(self, mode: str | None) -> float:
        """The PLOVER score of ``TYPE:mode`` (the type's own score when the mode is None or unscored)."""
        if mode is None:
            return self.score
        return self.modes.get(mode, self.score)

    @property
    def conflict(self) -> bool:
        return self.quad in ("verbal_conflict", "material_conflict")

    @property
    def cooperative(self) -> bool:
        return self.quad in ("verbal_cooperation", "material_cooperation")


@dataclass(frozen=True)
class Trigger:
    """A surface form that signals an event of ``type`` (and ``mode``).

    ``pos`` is "verb", "noun", "phrase" or "weapon" (a weapon names the mode of an attack but is not an
    event by itself); ``form`` says which inflection of ``lemma`` the surface is.
    """

    id: str
    surface: str
    type: str
    mode: str | None
    pos: str
    form: str
    lemma: str

    @property
    def key(self) -> str:
        return f"{self.type}:{self.mode}" if self.mode else self.type

    @property
    def participle(self) -> bool:
        return self.form in ("participle", "past_participle")


@dataclass(frozen=True)
class Compound:
    """A verb that signals ``type``/``mode`` only with one of ``objects`` shortly after it ("expelled two
    Russian diplomats", "lifted Friday a day-old blockade"); ``heads`` are the verb's inflected surfaces."""

    id: str
    type: str
    mode: str | None
    heads: tuple[tuple[str, str, str], ...]  # (surface, form, lemma)
    objects: tuple[str, ...]
    reach: int = 6
    weak: bool = False  # a figure of speech in business news ("cut exports"): not read there

    @property
    def key(self) -> str:
        return f"{self.type}:{self.mode}" if self.mode else self.type


@dataclass(frozen=True)
class Signals:
    """The loaded, validated ontology."""

    version: str
    types: Mapping[str, EventType]
    triggers: tuple[Trigger, ...]
    compounds: tuple[Compound, ...]
    none: tuple[str, ...]
    cues: Mapping[str, tuple[str, ...]]
    quantities: Mapping[str, int]
    governing: Mapping[str, Mapping[str, str | None]]
    strong_governors: frozenset[str]
    weak_governors: frozenset[str]
    future_as: Mapping[str, str]
    refused_as: Mapping[str, str]
    threat_as: Mapping[str, str]

    def weight(self, type_: str, mode: str | None = None) -> float:
        return self.types[type_].weight(mode)

    def cue(self, name: str) -> tuple[str, ...]:
        return self.cues.get(name, ())

    @property
    def conflict_types(self) -> frozenset[str]:
        return frozenset(t for t, e in self.types.items() if e.conflict)


# --------------------------------------------------------------------------------------------- inflection


def normalise_surface(text: str) -> str:
    """Lower-case, single-spaced form of a lexicon entry (the tagger folds further for matching)."""
    return _SPACES.sub(" ", text.strip().lower())


class _Inflector:
    """English inflection of the lexicon's verb lemmas and nouns, driven by the data file's exceptions."""

    def __init__(
        self,
        irregular: Mapping[str, Mapping[str, str]],
        double: Iterable[str],
        uncountable: Iterable[str],
        spelling: Iterable[str] = (),
    ) -> None:
        self.irregular = irregular
        self.double = frozenset(double)
        self.uncountable = frozenset(uncountable)
        self.spelling = frozenset(spelling)  # verbs with a doubled final "l" in British spelling

    def verb_forms(self, lemma: str) -> Iterator[tuple[str, str]]:
        head, _, rest = lemma.partition(" ")
        tail = f" {rest}" if rest else ""
        for form, word in self._verb_heads(head):
            yield f"{word}{tail}", form
        if head in self.spelling:  # "cancelled" beside "canceled", "labelling" beside "labeling"
            yield f"{head}led{tail}", "past_participle"
            yield f"{head}ling{tail}", "gerund"

    def _verb_heads(self, verb: str) -> Iterator[tuple[str, str]]:
        irregular = self.irregular.get(verb, {})
        yield "base", verb
        yield "third", irregular.get("third") or self._third(verb)
        past = irregular.get("past") or self._past(verb)
        participle = irregular.get("participle") or past
        if past == participle:
            yield "past_participle", past
        else:
            yield "past", past
            yield "participle", participle
        yield "gerund", self._gerund(verb)

    @staticmethod
    def _third(verb: str) -> str:
        if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
            return verb + "es"
        if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
            return verb[:-1] + "ies"
        return verb + "s"

    def _past(self, verb: str) -> str:
        if verb.endswith("e"):
            return verb + "d"
        if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
            return verb[:-1] + "ied"
        if verb in self.double:
            return verb + verb[-1] + "ed"
        return verb + "ed"

    def _gerund(self, verb: str) -> str:
        if verb.endswith("ie"):
            return verb[:-2] + "ying"
        if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
            return verb[:-1] + "ing"
        if verb in self.double:
            return verb + verb[-1] + "ing"
        return verb + "ing"

    def noun_forms(self, noun: str) -> Iterator[tuple[str, str]]:
        yield noun, "singular"
        head, _, last = noun.rpartition(" ")
        plural = self._plural(last)
        if plural and noun not in self.uncountable and last not in self.uncountable:
            yield (f"{head} {plural}" if head else plural), "plural"

    @staticmethod
    def _plural(word: str) -> str | None:
        if not word or not word[-1].isalpha():
            return None
        if word.endswith("s") and not word.endswith(("ss", "us")):
            return None  # already plural or invariable ("talks", "sanctions", "hostilities")
        if word.endswith("man"):
            return word[:-3] + "men"
        if word.endswith("fe"):
            return word[:-2] + "ves"
        if word.endswith(("ss", "us", "x", "z", "ch", "sh")):
            return word + "es"
        if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
            return word[:-1] + "ies"
        return word + "s"


# --------------------------------------------------------------------------------------------- parsing


def _types(raw: Any, problems: list[str]) -> dict[str, EventType]:
    if not isinstance(raw, dict):
        problems.append("'types' must be a mapping")
        return {}
    types: dict[str, EventType] = {}
    for name, spec in raw.items():
        if name not in EVENT_TYPES:
            problems.append(f"types: {name!r} is not a PLOVER event type")
            continue
        if (
            not isinstance(spec, dict)
            or spec.get("quad") not in QUADS
            or not isinstance(spec.get("score"), int | float)
        ):
            problems.append(f"types: {name}: needs a quad in {QUADS} and a numeric score")
            continue
        modes = spec.get("modes") or {}
        if not isinstance(modes, dict) or not all(isinstance(v, int | float) for v in modes.values()):
            problems.append(f"types: {name}: modes must map mode names to scores")
            continue
        scores = [spec["score"], *modes.values()]
        if any(not -10 <= s <= 10 for s in scores):
            problems.append(f"types: {name}: scores must lie in [-10, 10]")
        types[name] = EventType(
            name, spec["quad"], float(spec["score"]), {m: float(s) for m, s in modes.items()}
        )
    missing = [t for t in EVENT_TYPES if t not in types]
    if missing:
        problems.append(f"types: missing {missing}")
    return types


def _type_key(key: str, types: Mapping[str, EventType]) -> tuple[str, str | None] | None:
    type_, _, mode = key.partition(":")
    if type_ not in types:
        return None
    if mode and mode not in types[type_].modes:
        return None
    return type_, mode or None


def _expand_group(
    key: str, group: Mapping[str, Any], inflector: _Inflector
) -> Iterator[tuple[str, str, str, str]]:
    """(surface, pos, form, lemma) for every entry of one trigger group."""
    for lemma in group.get("verbs") or ():
        for surface, form in inflector.verb_forms(normalise_surface(lemma)):
            yield surface, "verb", form, lemma
    for lemma in group.get("nouns") or ():
        for surface, form in inflector.noun_forms(normalise_surface(lemma)):
            yield surface, "noun", form, lemma
    for lemma in group.get("weapons") or ():
        for surface, form in inflector.noun_forms(normalise_surface(lemma)):
            yield surface, "weapon", form, lemma
    for lemma in group.get("phrases") or ():
        yield normalise_surface(lemma), "phrase", "phrase", lemma


def _triggers(
    raw: Any, types: Mapping[str, EventType], inflector: _Inflector, problems: list[str]
) -> tuple[Trigger, ...]:
    if not isinstance(raw, dict):
        problems.append("'triggers' must be a mapping of TYPE or TYPE:Mode to trigger groups")
        return ()
    seen: dict[str, Trigger] = {}
    clashes: set[tuple[str, str, str]] = set()
    for key, group in raw.items():
        parsed = _type_key(str(key), types)
        if parsed is None:
            problems.append(f"triggers: {key!r} is not TYPE or TYPE:Mode of the ontology")
            continue
        if not isinstance(group, dict) or set(group) - _GROUP_FIELDS:
            problems.append(f"triggers: {key}: a group has only {sorted(_GROUP_FIELDS)}")
            continue
        for name in _GROUP_FIELDS & set(group):
            entries = group[name]
            if not isinstance(entries, list) or not all(isinstance(e, str) and e.strip() for e in entries):
                problems.append(f"triggers: {key}: '{name}' must be a list of non-empty strings")
                group = {k: v for k, v in group.items() if k != name}
        type_, mode = parsed
        for surface, pos, form, lemma in _expand_group(str(key), group, inflector):
            trigger = Trigger(f"{key}/{normalise_surface(lemma)}", surface, type_, mode, pos, form, lemma)
            previous = seen.get(surface)
            if previous is None:
                seen[surface] = trigger
            elif (previous.type, previous.mode, previous.pos == "weapon") != (type_, mode, pos == "weapon"):
                clashes.add((surface, previous.id, trigger.id))
    for surface, first, second in sorted(clashes):
        problems.append(f"triggers: {surface!r} is claimed by {first} and {second}")
    return tuple(seen.values())


def _compounds(
    raw: Any, types: Mapping[str, EventType], inflector: _Inflector, problems: list[str]
) -> tuple[Compound, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append("'compounds' must be a list")
        return ()
    out: list[Compound] = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) - _COMPOUND_FIELDS:
            problems.append(f"compounds[{n}]: a compound has only {sorted(_COMPOUND_FIELDS)}")
            continue
        parsed = _type_key(str(item.get("as")), types)
        verbs, objects = item.get("verbs"), item.get("objects")
        if parsed is None:
            problems.append(f"compounds[{n}]: 'as' {item.get('as')!r} is not TYPE or TYPE:Mode")
            continue
        if not _strings(verbs) or not _strings(objects):
            problems.append(f"compounds[{n}]: needs non-empty 'verbs' and 'objects' lists of strings")
            continue
        heads = tuple(
            (surface, form, lemma)
            for lemma in verbs
            for surface, form in inflector.verb_forms(normalise_surface(lemma))
        )
        expanded = tuple(
            dict.fromkeys(f for o in objects for f, _ in inflector.noun_forms(normalise_surface(o)))
        )
        reach = item.get("reach", 6)
        out.append(
            Compound(
                f"{item['as']}/{normalise_surface(verbs[0])}+{normalise_surface(objects[0])}",
                parsed[0],
                parsed[1],
                heads,
                expanded,
                reach if isinstance(reach, int) else 6,
                bool(item.get("weak", False)),
            )
        )
    return tuple(out)


def _type_list(name: str, raw: Any, types: Mapping[str, EventType], problems: list[str]) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or not all(t in types for t in raw):
        problems.append(f"'{name}' must list event types")
        return frozenset()
    return frozenset(raw)


def _strings(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)


def _conversion(name: str, raw: Any, types: Mapping[str, EventType], problems: list[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(f"'{name}' must be a mapping")
        return {}
    out: dict[str, str] = {}
    for src, dst in raw.items():
        if _type_key(str(src), types) is None or not isinstance(dst, str) or _type_key(dst, types) is None:
            problems.append(f"{name}: {src!r} -> {dst!r} must map TYPE[:Mode] to TYPE[:Mode]")
            continue
        out[str(src)] = dst
    return out


def _governing(
    raw: Any, types: Mapping[str, EventType], problems: list[str]
) -> dict[str, dict[str, str | None]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append("'governing' must be a mapping")
        return {}
    out: dict[str, dict[str, str | None]] = {}
    for gov, contents in raw.items():
        if gov not in types or not isinstance(contents, dict):
            problems.append(f"governing: {gov!r} must be a type mapping content types to modes")
            continue
        table: dict[str, str | None] = {}
        for content, mode in contents.items():
            if _type_key(str(content), types) is None:
                problems.append(f"governing: {gov}: {content!r} is not TYPE[:Mode]")
            elif mode is not None and mode not in types[gov].modes:
                problems.append(f"governing: {gov}: {mode!r} is not a mode of {gov}")
            else:
                table[str(content)] = mode
        out[gov] = table
    return out


def _cues(raw: Any, problems: list[str]) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    if not isinstance(raw, dict):
        problems.append("'cues' must be a mapping of cue names to phrase lists")
        return {}, {}
    cues: dict[str, tuple[str, ...]] = {}
    quantities: dict[str, int] = {}
    for name, values in raw.items():
        if name == "quantity_words":
            if not isinstance(values, dict) or not all(isinstance(v, int) for v in values.values()):
                problems.append("cues: quantity_words must map words to integers")
                continue
            quantities = {normalise_surface(str(k)): int(v) for k, v in values.items()}
        elif isinstance(values, list) and all(isinstance(v, str) and v.strip() for v in values):
            cues[str(name)] = tuple(normalise_surface(v) for v in values)
        else:
            problems.append(f"cues: {name}: must be a list of non-empty strings")
    return cues, quantities


def parse_signals(raw: Any, where: str = "signals") -> Signals:
    """Validate and expand a raw signals mapping; KnowledgeError lists every problem."""
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: must be a mapping")
    problems = [f"unknown top-level key {k!r}" for k in sorted(set(raw) - _TOP_FIELDS)]
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        problems.append("needs a string 'version'")
    types = _types(raw.get("types"), problems)
    irregular = raw.get("irregular_verbs") or {}
    if not isinstance(irregular, dict) or not all(isinstance(v, dict) for v in irregular.values()):
        problems.append("'irregular_verbs' must map verbs to {past, participle, third}")
        irregular = {}
    inflector = _Inflector(
        irregular,
        raw.get("double_final") or (),
        raw.get("uncountable") or ("aid", "aircraft"),
        raw.get("spelling_variants") or (),
    )
    triggers = _triggers(raw.get("triggers"), types, inflector, problems) if types else ()
    compounds = _compounds(raw.get("compounds"), types, inflector, problems) if types else ()
    none = raw.get("none") or []
    if not isinstance(none, list) or not all(isinstance(v, str) and v.strip() for v in none):
        problems.append("'none' must be a list of phrases")
        none = []
    cues, quantities = _cues(raw.get("cues") or {}, problems)
    governors = {
        name: _type_list(name, raw.get(name), types, problems)
        for name in ("strong_governors", "weak_governors")
    }
    signals = Signals(
        version=version if isinstance(version, str) else "",
        types=types,
        triggers=triggers,
        compounds=compounds,
        none=tuple(dict.fromkeys(normalise_surface(v) for v in none)),
        cues=cues,
        quantities=quantities,
        strong_governors=governors["strong_governors"],
        weak_governors=governors["weak_governors"],
        governing=_governing(raw.get("governing"), types, problems) if types else {},
        future_as=_conversion("future_as", raw.get("future_as"), types, problems) if types else {},
        refused_as=_conversion("refused_as", raw.get("refused_as"), types, problems) if types else {},
        threat_as=_conversion("threat_as", raw.get("threat_as"), types, problems) if types else {},
    )
    raise_if_problems(problems, where)
    return signals


@functools.cache
def _packaged() -> Signals:
    return parse_signals(load_yaml(SIGNALS_PATH), str(SIGNALS_PATH))


def load_signals(path: Path | None = None) -> Signals:
    """The validated ontology: the packaged one (cached) or the file at ``path``."""
    if path is None:
        return _packaged()
    return parse_signals(load_yaml(path), str(path))
