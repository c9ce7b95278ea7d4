"""Records on the processors' internal topics (private to the processors; public records are in faultline.schema)."""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError

from faultline.errors import SchemaError
from faultline.schema import TaggedArticle


class StoryRequest(BaseModel):
    """A tagged article on its way to story assignment, with its MinHash sketch (computed by the tagger agent)."""

    sketch: list[int]
    tagged: TaggedArticle

    def to_json(self) -> bytes:
        return b'{"sketch":' + json.dumps(self.sketch).encode() + b',"tagged":' + self.tagged.to_json() + b"}"

    @classmethod
    def from_json(cls, data: bytes) -> StoryRequest:
        try:
            return cls.model_validate_json(data)
        except (ValidationError, ValueError) as exc:
            raise SchemaError(f"not a valid StoryRequest: {exc}") from exc
