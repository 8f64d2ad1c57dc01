"""Shared by the e2e scripts: every budget_bytes_per_s in a plan report, wherever the
report nests it (groups, classes, splits)."""


def plan_budgets(doc):
    out = []

    def walk(x):
        if isinstance(x, dict):
            if "budget_bytes_per_s" in x:
                out.append(x["budget_bytes_per_s"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(doc)
    return out
