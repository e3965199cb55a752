"""JSON Schema of a method record, for editors and third-party validators.

The structure comes from the pydantic model; the allowed taxonomy ids and
venues come from the data, so that editors can complete them.
"""

from __future__ import annotations

import json
from typing import Any

from .models import record_model
from .taxonomy import Taxonomy

SCHEMA_ID = "https://editsurvey.github.io/schema/method.schema.json"
SCHEMA_PATH = "schema/method.schema.json"


def method_schema(tax: Taxonomy, venues: list[str]) -> dict[str, Any]:
    schema = record_model(tax.axes.values()).model_json_schema(mode="validation")
    props = schema["properties"]
    for field_name, axis in tax.record_fields().items():
        ids = [n.id for n in tax.assignable(axis)]
        prop = props[field_name]
        try:
            _items_of(prop)["enum"] = ids
            _array_of(prop)["uniqueItems"] = True
        except KeyError:  # one id, possibly nullable
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "string":
                    option["enum"] = ids
    props["venue"]["enum"] = list(venues)
    for name in ("builds_on", "former_ids", "authors"):
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
