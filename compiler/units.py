"""SQL of unit groups and units (M3), and `unitGroups`."""

from __future__ import annotations

from compiler.catalog import Children, Scalar, TableType, ToOne, register
from compiler.connections import GlobalRows
from compiler.roots import register_root
from compiler.sql import decimal
from db.models import master_data as models

register(
    TableType(
        "Unit",
        models.Unit,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "factor": Scalar(decimal("{t}.factor")),
            "unitGroup": ToOne("UnitGroup", "unit_group_id"),
        },
    ),
    TableType(
        "UnitGroup",
        models.UnitGroup,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "baseUnit": ToOne("Unit", "base_unit_id"),
            "units": Children("Unit", "unit_group_id"),
        },
    ),
)


register_root("unitGroups", GlobalRows("UnitGroup"))
