"""One error hierarchy for the core.

Data errors (a record that cannot be decoded, validated or tagged) go to the dead-letter topic;
infrastructure errors (a service unreachable) propagate to the supervisor.
"""


class FaultlineError(Exception):
    """Base class of every error Faultline raises on purpose."""


class DataError(FaultlineError):
    """Bad input: the record goes to the dead-letter topic with this message; the stream goes on."""


class SchemaError(DataError):
    """Bytes that are not a valid record of the expected schema."""


class KnowledgeError(FaultlineError):
    """A data file of the catalogue, gazetteer or ontology is invalid."""


class ServiceError(FaultlineError):
    """Kafka or Elasticsearch cannot be reached or refused an operation; retry or stop, never drop."""


class ConfigError(FaultlineError):
    """Settings, registry or command-line input an operator must fix."""
