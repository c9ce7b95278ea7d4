"""One readable line per alert, from the templates in the rules file.

A template is ``str.format`` text whose ``[bracketed]`` parts are optional: a part is kept only when every
field it uses has a value, so "{source} {attack}[ on {target}][ kills {dead}][ in {place}]" reads
"US drone strike on Kataib Hezbollah kills 1 in Jurf al-Sakhar" or just "US drone strike".
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import timedelta

from faultline.alerting.config import TitleSettings

_OPTIONAL_RE = re.compile(r"\[([^\[\]]*)\]")
_FORMATTER = string.Formatter()


def render(template: str, fields: Mapping[str, object]) -> str:
    """Fill ``template``; optional parts with a missing (None or empty) field are dropped."""
    values = {k: v for k, v in fields.items() if v not in (None, "")}

    def optional(match: re.Match[str]) -> str:
        part = match.group(1)
        needed = [name for _, name, _, _ in _FORMATTER.parse(part) if name]
        return part if all(name in values for name in needed) else ""

    text = _OPTIONAL_RE.sub(optional, template)
    needed = [name for _, name, _, _ in _FORMATTER.parse(text) if name]
    filled = text.format_map({name: values.get(name, "?") for name in needed})
    return " ".join(filled.split())


def attack_noun(mode: str | None, titles: TitleSettings) -> str:
    """The noun for an ASSAULT: by PLOVER mode, or by a word of the tagger's mode ("drone / targeted")."""
    table = titles.attack_by_mode
    if mode:
        key = mode.strip().casefold()
        if key in table:
            return table[key]
        for word in re.findall(r"[a-z]+", key):
            if word in table:
                return table[word]
    return table["default"]


def event_title(event_type: str, fields: Mapping[str, object], titles: TitleSettings) -> str:
    template = titles.events.get(event_type) or titles.events["default"]
    return render(template, fields)


def spike_title(fields: Mapping[str, object], titles: TitleSettings) -> str:
    return render(titles.spike, fields)


def human_duration(duration: timedelta) -> str:
    """``24 h``, ``7 d``, ``30 min``: days only past two of them, so a day reads "24 h"."""
    seconds = int(duration.total_seconds())
    if seconds % 86400 == 0 and seconds > 2 * 86400:
        return f"{seconds // 86400} d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
