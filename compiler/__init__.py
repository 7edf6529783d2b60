"""The compiled read path: a query operation planned once into one SQL statement that builds
the whole response as JSON in PostgreSQL (as PostGraphile and Hasura do).

- `sql.py`: the statement under construction (aliases, bind parameters, JSON renderings);
- `scope.py`: the visibility rules of `domain.scope`, rendered once per scope shape;
- `catalog.py` and the per-domain mapping modules: how each GraphQL type maps to SQL;
- `selection.py`: a GraphQL selection set as `json_build_object(...)`;
- `roots.py`: the root fields (connections, lookups by id, `node`);
- `plan.py`: the plan cache and the per-request binding of parameters;
- `asgi.py`: the ASGI layer that answers from the plan or hands the request to strawberry.

Strawberry's execution stays the reference: whatever this package cannot plan, or any request
that would answer with an error, goes down that path, so both paths give the same answer.
"""
