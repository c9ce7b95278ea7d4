"""The tagging core: actors, places and PLOVER events with modality, evidence and an escalation score.

from faultline.tagging import Tagger
result = Tagger.load().tag(text, doc_id="...", published=None, language=None)
"""

from faultline.tagging.tagger import Tagger

__all__ = ["Tagger"]
