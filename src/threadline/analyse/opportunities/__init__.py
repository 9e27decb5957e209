"""Overlooked opportunities (``spec/opportunities.md``): one module per kind.

``terms`` computes the spec's shared terms over the store; each kind's module
has a ``detect(material, settings)``; ``scoring`` and ``explain`` make the
score, title and explanation; ``stage`` is the ``detect`` stage and keeps
people's decisions across re-analysis; ``review`` turns an opportunity into an
action or dismisses it. See docs/opportunities.md.
"""
