"""Security rules (spec §4.2, §4.4): a small expression language of our own, never Python's.

``syntax`` reads the text into tokens and nodes, ``parser`` builds and checks the tree (with
errors that point at the column), ``evaluate`` runs it for one caller and one document,
``facts`` reads what a Mongo-style query guarantees, ``subset`` proves from those facts that a
rule holds for every document a query could return, and ``ruleset`` validates a whole rules
object and picks the rule for an operation (``create``/``update``/``delete`` fall back to
``write``). The database and storage services call them through their own glue modules.
"""
