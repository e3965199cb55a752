"""JSON Schema of a method record, for editors and third-party validators.

The structure comes from the pydantic model; the allowed taxonomy ids and
venues come from the data, so that editors can complete them.
"""

from __future__ import annotations

import json
from typing import Any

from .models import MethodRecord
from .taxonomy import Taxonomy

SCHEMA_ID = "https://editsurvey.github.io/schema/method.schema.json"
SCHEMA_PATH = "schema/method.schema.json"


def method_schema(tax: Taxonomy, venues: list[str]) -> dict[str, Any]:
    schema = MethodRecord.model_json_schema(mode="validation")
    props = schema["properties"]

    def ids(axis: str) -> list[str]:
        return [n.id for n in tax.assignable(axis)]

    props["strategy"]["enum"] = ids("strategies")
    _items_of(props["also_in"])["enum"] = ids("strategies")
    props["conditions"]["items"]["enum"] = ids("conditions")
    props["tasks"]["items"]["enum"] = ids("tasks")
    props["venue"]["enum"] = list(venues)
    for name in ("also_in", "conditions", "tasks", "builds_on", "former_ids", "authors"):
        _array_of(props[name])["uniqueItems"] = True
    ordered = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
    return ordered


def _array_of(prop: dict[str, Any]) -> dict[str, Any]:
    """The array branch of a possibly-nullable property."""
    for option in prop.get("anyOf", [prop]):
        if option.get("type") == "array":
            return option
    raise KeyError("no array type in property")


def _items_of(prop: dict[str, Any]) -> dict[str, Any]:
    return _array_of(prop)["items"]


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
