"""The "suggest a method" issue form: its taxonomy questions come from the axis table.

The form's other fields are written by hand in the committed file; one
question per axis (a dropdown for a one-valued axis, checkboxes for a
many-valued one) is generated, so a new axis or node reaches the form by
`editsurvey issue-form`, and a test fails while the committed form lags.
"""

from __future__ import annotations

from typing import Any

import yaml

from .taxonomy import Taxonomy

FORM_PATH = ".github/ISSUE_TEMPLATE/suggest-a-method.yml"
INSERT_BEFORE = "code"  # the taxonomy questions go before this field


def axis_questions(tax: Taxonomy) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = []
    for axis_id, axis in tax.axes.items():
        described = (
            f"Only what the paper shows. Definitions: taxonomy/{axis_id}.yaml, or the site's {axis.label} pages."
        )
        if axis.record.many:
            questions.append(
                {
                    "type": "checkboxes",
                    "id": axis.record.field,
                    "attributes": {
                        "label": axis.plural_label,
                        "description": described,
                        "options": [{"label": n.label} for n in tax.assignable(axis_id)],
                    },
                }
            )
        else:  # one node: offered at the survey's sub-category depth, as tables show it
            depth = min(1, len(axis.levels) - 1)
            options = [n.label for n in tax.axis_nodes(axis_id) if n.depth == depth]
            questions.append(
                {
                    "type": "dropdown",
                    "id": axis.record.field,
                    "attributes": {"label": axis.label, "description": described, "options": [*options, "Not sure"]},
                    "validations": {"required": axis.record.required},
                }
            )
    return questions


def issue_form(form: dict[str, Any], tax: Taxonomy) -> dict[str, Any]:
    """The form with its taxonomy questions replaced by ones generated from `tax`."""
    fields = set(tax.record_fields())
    body = [item for item in form.get("body", []) if item.get("id") not in fields]
    at = next((i for i, item in enumerate(body) if item.get("id") == INSERT_BEFORE), len(body))
    return {**form, "body": [*body[:at], *axis_questions(tax), *body[at:]]}


def dumps(form: dict[str, Any]) -> str:
    return (
        "# The taxonomy questions are generated: edit the others here, then run `editsurvey issue-form`.\n"
        + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=110)
    )
