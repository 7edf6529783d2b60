"""Demo projects (time and material, fixed price) with managers and tasks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import AppUser, BillingType, Project, Task
from demo.companies import DemoCompany


@dataclass(frozen=True)
class ProjectSpec:
    legal_entity: str
    code: str
    name: str
    billing_type: BillingType
    manager_email: str


PROJECTS = (
    ProjectSpec(
        "USPM",
        "US-TM-001",
        "Contoso ERP rollout",
        BillingType.TIME_AND_MATERIAL,
        "manager@demo.example.com",
    ),
    ProjectSpec(
        "USPM",
        "US-FP-001",
        "Fabrikam website",
        BillingType.FIXED_PRICE,
        "manager2@demo.example.com",
    ),
    ProjectSpec(
        "DEPM",
        "DE-TM-001",
        "Adatum Rechenzentrum",
        BillingType.TIME_AND_MATERIAL,
        "manager@demo.example.com",
    ),
    ProjectSpec(
        "DEPM", "DE-FP-001", "Litware Portal", BillingType.FIXED_PRICE, "manager@demo.example.com"
    ),
)
TASKS = {"1": "Analysis", "2": "Implementation", "3": "Travel"}


async def create_projects(
    session: AsyncSession, companies: dict[str, DemoCompany], users: dict[str, AppUser]
) -> dict[str, Project]:
    """Projects by code, each in its legal entity's currency and with three tasks."""
    projects = {}
    for spec in PROJECTS:
        entity = companies[spec.legal_entity].entity
        project = Project(
            legal_entity_id=entity.id,
            code=spec.code,
            name=spec.name,
            manager_user_id=users[spec.manager_email].id,
            billing_type=spec.billing_type.value,
            currency_code=entity.currency_code,
        )
        session.add(project)
        projects[spec.code] = project
    await session.flush()
    session.add_all(
        Task(legal_entity_id=project.legal_entity_id, project_id=project.id, code=code, name=name)
        for project in projects.values()
        for code, name in TASKS.items()
    )
    await session.flush()
    return projects
