"""The geo query operators' names, apart from their code (``geo_query.py``), which loads with
the first query that uses one: start-up does not pay for spherical geometry."""

NEAR = ("$nearSphere", "$near", "$geoNear")
GEO_OPERATORS = (*NEAR, "$geoWithin", "$within", "$geoIntersects")
