"""Automatic persisted queries (Apollo's `extensions.persistedQuery`): a client sends the
sha256 of a document it sent once before instead of the document.

Only a caller with a valid token adds documents, and only such a caller is answered from
them: an anonymous caller sees an empty store (PERSISTED_QUERY_NOT_FOUND, so a client
sends the document again, and it runs as any other), so that no one without a token fills
the process's memory or learns which documents others sent. The store is bounded by its
number of documents and by their total bytes, least recently used going first.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse

from observability import learn_operations

MAX_DOCUMENTS = 5000
MAX_BYTES = 16 * 1024 * 1024
MAX_NAMING_TOKENS = 5000  # MAX_TOKENS' default: a longer document is refused when it runs


class PersistedQueryError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class PersistedQueryStore:
    """The documents this instance has seen, by sha256; least recently used go first."""

    def __init__(self, max_documents: int = MAX_DOCUMENTS, max_bytes: int = MAX_BYTES) -> None:
        self.max_documents = max_documents
        self.max_bytes = max_bytes
        self.size = 0  # the UTF-8 bytes of the documents held
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def resolve(self, request: dict[str, Any], authenticated: bool) -> dict[str, Any]:
        """The request with its document filled in from the hash, or remembered under it
        (for an authenticated caller)."""
        extensions = request.get("extensions")
        if not isinstance(extensions, dict) or extensions.get("persistedQuery") is None:
            return request
        digest = _digest(extensions["persistedQuery"])
        query = request.get("query")
        if isinstance(query, str):
            document = query.encode()
            if hashlib.sha256(document).hexdigest() != digest:
                raise PersistedQueryError("provided sha does not match query", "BAD_USER_INPUT")
            if authenticated:
                self._remember(digest, query, len(document))
            return request
        known = self._documents.get(digest) if authenticated else None
        if known is None:
            raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        self._documents.move_to_end(digest)
        return {**request, "query": known}

    def _remember(self, digest: str, query: str, size: int) -> None:
        if size > self.max_bytes:
            return  # would evict everything else and still not fit
        if digest not in self._documents:
            self.size += size
            # A client's own documents, sent once: their operations are /metrics labels.
            learn_operations(operation_names(query))
        self._documents[digest] = query
        self._documents.move_to_end(digest)
        while len(self._documents) > self.max_documents or self.size > self.max_bytes:
            _, evicted = self._documents.popitem(last=False)
            self.size -= len(evicted.encode())


def operation_names(query: str) -> list[str]:
    """The names of a document's operations (none for a document that does not parse)."""
    try:
        document = parse(query, no_location=True, max_tokens=MAX_NAMING_TOKENS)
    except GraphQLError:
        return []
    return [
        definition.name.value
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None
    ]


def _digest(persisted: object) -> str:
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if not isinstance(digest, str):
        raise PersistedQueryError("persistedQuery needs a sha256Hash.", "BAD_USER_INPUT")
    return digest
