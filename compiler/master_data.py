"""SQL of the master-data types: legal entities, users, projects and tasks (M1)."""

from __future__ import annotations

from compiler.catalog import Children, Scalar, TableType, ToOne, register
from compiler.sql import enum_name, sorted_texts
from db.models import master_data as models

register(
    TableType(
        "LegalEntity",
        models.LegalEntity,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "currencyCode": Scalar("{t}.currency_code"),
        },
    ),
    TableType(
        "User",
        models.AppUser,
        {
            "email": Scalar("{t}.email"),
            "name": Scalar("{t}.name"),
            "roles": Scalar(sorted_texts("{t}.roles")),
        },
    ),
    TableType(
        "Project",
        models.Project,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "billingType": Scalar(enum_name("{t}.billing_type", models.BillingType)),
            "currencyCode": Scalar("{t}.currency_code"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "manager": ToOne("User", "manager_user_id"),
            "tasks": Children("Task", "project_id", order="code"),
        },
    ),
    TableType(
        "Task",
        models.Task,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "project": ToOne("Project", "project_id"),
        },
    ),
)
