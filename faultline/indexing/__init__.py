"""What Faultline keeps in Elasticsearch, without talking to it: mappings, templates, index layout,
document builders, the indexer's decisions and ``faultline search`` queries. ``indexers/`` does the I/O.
"""

from faultline.indexing.documents import IndexAction, build_action
from faultline.indexing.templates import IndexSpec, TemplateSet, current_specs, template_set

__all__ = ["IndexAction", "IndexSpec", "TemplateSet", "build_action", "current_specs", "template_set"]
