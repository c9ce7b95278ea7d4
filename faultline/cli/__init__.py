"""The ``faultline`` command. One module per verb group; each exposes ``register(subparsers)``.

Verb modules import broker and index clients lazily, inside the function that runs the verb, so that
``import faultline`` (and ``faultline --help``) never loads them.
"""
