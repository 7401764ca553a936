"""The aggregation pipeline (spec §3.14): ``collection.aggregate()`` over the engine's value model.

``pipeline.compile_pipeline`` turns the decoded stages into closures once; ``actions`` serves
``database.aggregateDocuments``. This package file imports nothing, so ``expr.py`` (the query
``$expr``) can use ``expressions`` without pulling in the stages, which use the query engine.
"""
