"""One mutation shape (issue 11, "The schema as a product"): every mutation takes a single
non-null `input` object and answers a payload object whose `errors` lists typed UserErrors,
as the Shopify and GitHub APIs do; and the code has one idiom for it (schema/mutations.py)."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLObjectType

from schema import schema

ROOT = Path(__file__).resolve().parents[2]


def _shape_problems(name: str, field: object) -> list[str]:
    problems = []
    args = getattr(field, "args", {})
    input_arg = args.get("input")
    if list(args) != ["input"] or input_arg is None:
        problems.append(f"{name} takes {list(args)}, not one `input`")
    elif not (
        isinstance(input_arg.type, GraphQLNonNull)
        and isinstance(input_arg.type.of_type, GraphQLInputObjectType)
    ):
        problems.append(f"{name}(input) is {input_arg.type}, not a required input object")
    returned = getattr(field, "type", None)
    payload = returned.of_type if isinstance(returned, GraphQLNonNull) else returned
    errors = payload.fields.get("errors") if isinstance(payload, GraphQLObjectType) else None
    wanted = "[UserError!]!"
    if errors is None or str(errors.type) != wanted:
        problems.append(f"{name} answers {returned}, not a payload with `errors: {wanted}`")
    return problems


def test_every_mutation_takes_one_input_and_answers_a_payload_with_typed_errors() -> None:
    mutation = schema._schema.mutation_type
    assert mutation is not None
    problems = [
        problem
        for name, field in mutation.fields.items()
        for problem in _shape_problems(name, field)
    ]
    assert problems == [], "\n".join(problems)


def test_the_check_names_a_plain_argument_and_a_bare_answer() -> None:
    from graphql import GraphQLArgument, GraphQLField, GraphQLID, GraphQLString

    plain = GraphQLField(GraphQLNonNull(GraphQLString), {"id": GraphQLArgument(GraphQLID)})
    assert _shape_problems("x", plain) == [
        "x takes ['id'], not one `input`",
        "x answers String!, not a payload with `errors: [UserError!]!`",
    ]


# Second ways: a private helper turning domain errors into payload errors, a UserError built
# outside schema/errors.py and schema/mutations.py, a try/except around decoding that answers a
# payload, a resolver taking a conversion to run (`make: Callable[[], ...]`) instead of values.
_SECOND_WAYS = re.compile(
    r"def _errors\(|UserError\.from_domain\(|UserError\(|except DomainError[^\n]*\n[^\n]*Payload"
    r"|context: Context,[^)]*Callable\[\[\]"
)


def test_one_idiom_turns_domain_errors_and_bad_ids_into_payload_errors() -> None:
    found = [
        f"{folder}/{path.name}: {match.group(0)!r}"
        for folder in ("schema", "resolvers")
        for path in sorted((ROOT / folder).glob("*.py"))
        if path.name not in ("mutations.py", "errors.py")  # the idiom itself and UserError
        for match in _SECOND_WAYS.finditer(path.read_text())
    ]
    assert found == []


def test_the_idiom_check_finds_each_second_way() -> None:
    samples = [
        "def _errors(outcome):",
        "errors=[UserError.from_domain(e) for e in outcome.errors]",
        "    except DomainError as error:\n        return JournalPayload(journal=None)",
        "async def delete_task(context: Context, task_id: Callable[[], int]) -> Outcome[int]:",
    ]
    assert [bool(_SECOND_WAYS.search(sample)) for sample in samples] == [True] * 4
    assert not _SECOND_WAYS.search("async def delete_task(context: Context, task_id: int) -> X:")
