"""The hand-written baseline of the read benchmark: a bare ASGI app on asyncpg.

It answers the benchmark's GraphQL POSTs (routed by `operationName`, the document is not parsed)
with ONE statement each that builds the whole `data` object in PostgreSQL (json_build_object,
json_agg), prepared through asyncpg's statement cache, after verifying the same bearer JWT and
applying the same visibility rules as the API: the caller's legal entities, and an employee
without an approving role sees only their own reports. Served by uvicorn like the API:

    DATABASE_URL=... JWT_SECRET=... uvicorn reads_baseline:create_app --factory --app-dir bench
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import asyncpg
import jwt

APPROVERS = {"admin", "project_manager", "accountant"}


def gid(type_name: str, column: str) -> str:
    """The global id (urlsafe base64 of 'Type:pk', padded) of a row, in SQL."""
    raw = f"encode(convert_to('{type_name}:' || {column}, 'UTF8'), 'base64')"
    return f"translate({raw}, '+/', '-_')"


def iso(column: str) -> str:
    """A timestamptz as Python's isoformat() in UTC (microseconds only when not zero)."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', {utc})"
        f" <> {utc} THEN to_char({utc}, '.US') ELSE '' END || '+00:00'"
    )


def _one(select_list: str, table: str, alias: str, key: str) -> str:
    """A referenced row of one of the caller's legal entities as an object, else null."""
    return (
        f"(SELECT json_build_object({select_list}) FROM {table} {alias}"
        f" WHERE {alias}.id = {key} AND {alias}.legal_entity_id IN (SELECT id FROM le))"
    )


ENTITIES = "le AS (SELECT id FROM legal_entity WHERE code = ANY($1::text[]))"
CURSOR = "translate(encode(convert_to('cursor:' || {}, 'UTF8'), 'base64'), '+/', '-_')"

# $1 legal entity codes, $2 first, $3 sees every report, $4 user id
REPORTS = f"""
WITH {ENTITIES},
page AS (
    SELECT r.id, r.number, r.status, r.currency_code, r.created_at, r.employee_user_id
    FROM expense_report r
    WHERE r.legal_entity_id IN (SELECT id FROM le) AND ($3 OR r.employee_user_id = $4)
    ORDER BY r.id LIMIT $2 + 1
), shown AS (SELECT * FROM page ORDER BY id LIMIT $2)
SELECT json_build_object('expenseReports', json_build_object(
  'edges', COALESCE((SELECT json_agg(json_build_object(
    'cursor', {CURSOR.format("s.id")},
    'node', json_build_object(
      'id', {gid("ExpenseReport", "s.id")}, 'number', s.number, 'status', upper(s.status),
      'currencyCode', s.currency_code, 'createdAt', {iso("s.created_at")},
      'employee', (SELECT json_build_object('id', {gid("User", "u.id")}, 'name', u.name,
                                            'email', u.email)
                   FROM app_user u WHERE u.id = s.employee_user_id AND u.id IN (
                       SELECT m.user_id FROM user_legal_entity m
                       WHERE m.legal_entity_id IN (SELECT id FROM le))),
      'lines', COALESCE((SELECT json_agg(json_build_object(
        'id', {gid("ExpenseLine", "l.id")}, 'lineNumber', l.line_number, 'date', l.date,
        'amount', round(l.amount, cu.decimals)::text,
        'salesTax', round(l.sales_tax, cu.decimals)::text,
        'total', round(l.amount + l.sales_tax, cu.decimals)::text, 'currencyCode', l.currency_code,
        'merchant', l.merchant,
        'category', {
    _one(
        f"'id', {gid('ExpenseCategory', 'c.id')}, 'code', c.code, 'name', c.name",
        "expense_category",
        "c",
        "l.expense_category_id",
    )
},
        'project', {
    _one(
        f"'id', {gid('Project', 'p.id')}, 'code', p.code, 'name', p.name",
        "project",
        "p",
        "l.project_id",
    )
}
      ) ORDER BY l.line_number) FROM expense_line l
        JOIN currency cu ON cu.code = l.currency_code  -- money at its currency's decimals
        WHERE l.report_id = s.id), '[]'::json)
    )) ORDER BY s.id) FROM shown s), '[]'::json),
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) FROM page) > $2,
    'endCursor', (SELECT {CURSOR.format("max(id)")} FROM shown))))::text
"""

# $1 legal entity codes, $2 sees every report, $3 user id, $4 report id
REPORT = f"""
WITH {ENTITIES}
SELECT json_build_object('node', (
  SELECT json_build_object(
    'id', {gid("ExpenseReport", "r.id")}, 'number', r.number, 'status', upper(r.status),
    'lines', COALESCE((SELECT json_agg(json_build_object(
      'id', {gid("ExpenseLine", "l.id")}, 'amount', round(l.amount, cu.decimals)::text,
      'total', round(l.amount + l.sales_tax, cu.decimals)::text,
      'category', {_one("'code', c.code", "expense_category", "c", "l.expense_category_id")}
    ) ORDER BY l.line_number) FROM expense_line l
      JOIN currency cu ON cu.code = l.currency_code
      WHERE l.report_id = r.id), '[]'::json))
  FROM expense_report r
  WHERE r.id = $4 AND r.legal_entity_id IN (SELECT id FROM le) AND ($2 OR r.employee_user_id = $3)
))::text
"""

# $1 legal entity codes, $2 first
JOURNALS = f"""
WITH {ENTITIES},
page AS (
    SELECT * FROM journal j WHERE j.legal_entity_id IN (SELECT id FROM le) ORDER BY j.id LIMIT $2
)
SELECT json_build_object('journals', json_build_object('nodes', COALESCE((SELECT json_agg(
  json_build_object(
    'id', {gid("Journal", "j.id")}, 'number', j.number, 'status', upper(j.status),
    'lineCount', j.line_count,
    'legalEntity', (SELECT json_build_object('code', e.code) FROM legal_entity e
                    WHERE e.id = j.legal_entity_id AND e.id IN (SELECT id FROM le)),
    'lines', COALESCE((SELECT json_agg(json_build_object(
      'id', {gid("JournalLine", "x.id")}, 'status', upper(x.status),
      'voucherNumber', x.voucher_number, 'accountingDate', x.accounting_date,
      'exchangeRate', x.exchange_rate::text
    ) ORDER BY x.id) FROM journal_line x
      WHERE x.journal_id = j.id AND x.legal_entity_id IN (SELECT id FROM le)), '[]'::json)
  ) ORDER BY j.id) FROM page j), '[]'::json)))::text
"""


async def _keep(connection: Any) -> None:
    """Read-only statements leave no session state: no reset query when a connection returns."""


def _report_pk(global_id: str) -> int:
    type_name, _, pk = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
    return int(pk) if type_name == "ExpenseReport" and pk.isdigit() else 0


class Baseline:
    """POST /graphql for the operations Reports, Report and Journals; GET /readyz."""

    def __init__(self, url: str, secret: str, pool_size: int) -> None:
        self.url, self.secret, self.pool_size = url, secret, pool_size
        self.pool: Any = None

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool = await asyncpg.create_pool(
                    self.url, min_size=1, max_size=self.pool_size, reset=_keep
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _answer(self, headers: dict[bytes, bytes], body: bytes) -> tuple[int, bytes]:
        scheme, _, token = headers.get(b"authorization", b"").decode().partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise jwt.InvalidTokenError(scheme)
            claims = jwt.decode(token, self.secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return 200, b'{"data":null,"errors":[{"message":"The token is not valid."}]}'
        codes, user_id = claims["legal_entities"], int(claims["sub"])
        sees_all = bool(APPROVERS & set(claims["roles"]))
        request = json.loads(body)
        operation, variables = request.get("operationName"), request.get("variables") or {}
        async with self.pool.acquire() as connection:
            if operation == "Reports":
                data = await connection.fetchval(REPORTS, codes, 50, sees_all, user_id)
            elif operation == "Report":
                pk = _report_pk(variables["id"])
                data = await connection.fetchval(REPORT, codes, sees_all, user_id, pk)
            elif operation == "Journals":
                data = await connection.fetchval(JOURNALS, codes, 20)
            else:
                return 400, b'{"errors":[{"message":"unknown operation"}]}'
        return 200, b'{"data":' + data.encode() + b"}"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if scope["path"] == "/readyz":
            status, payload = 200, b'{"status":"ready"}'
        else:
            status, payload = await self._answer(dict(scope["headers"]), body)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(payload)),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def create_app() -> Baseline:
    pool_size = int(os.environ.get("DB_POOL_SIZE", "10"))
    return Baseline(os.environ["DATABASE_URL"], os.environ["JWT_SECRET"], pool_size)
