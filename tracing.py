"""OpenTelemetry traces, only where OTEL_EXPORTER_OTLP_ENDPOINT names a collector: a span per
GraphQL operation (with its parsing, validation and resolvers) from strawberry's
OpenTelemetryExtension, and one per operation the compiled read path answers, exported over
OTLP/HTTP. Without the setting nothing here runs and no span is made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension

from config import Settings

SERVICE_NAME = "projops"


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    """No resolver argument becomes a span attribute: inputs hold refresh tokens, amounts
    and names that a trace store has no business keeping."""
    return {}


def tracing_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    if not settings.otel_exporter_otlp_endpoint:
        return []
    return [lambda: OpenTelemetryExtension(arg_filter=_no_arguments)]


def configure_tracing(
    settings: Settings, processor: SpanProcessor | None = None
) -> TracerProvider | None:
    """The process's tracer provider, exporting in batches to the configured collector (or
    to `processor`: the tests' in-memory one); None, and nothing set, without an endpoint."""
    endpoint = settings.otel_exporter_otlp_endpoint
    if not endpoint:
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    if processor is None:
        # The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT means it; traces go to /v1/traces.
        exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
        processor = BatchSpanProcessor(exporter)
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def compiled_span(name: str | None, seconds: float, attributes: dict[str, Any]) -> None:
    """The span of an operation the compiled read path answered, after the fact (it ran
    without strawberry's extensions), named as strawberry names its own."""
    ended = time.time_ns()
    tracer = trace.get_tracer("projops.compiled")
    span = tracer.start_span(
        f"GraphQL Query: {name}" if name else "GraphQL Query",
        kind=SpanKind.SERVER,
        start_time=ended - int(seconds * 1e9),
        attributes={"component": "graphql", **attributes},
    )
    span.end(end_time=ended)
