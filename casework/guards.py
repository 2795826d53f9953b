"""Rules that guard the records (``returns.md``), written once, checked on batches.

A rule is a function over a list of candidate instances (not yet saved, or
changed) that yields ``(index, field, message)`` for each problem, using a few
queries for the whole batch. A form or an API call checks a batch of one; the
importer checks ten thousand. Apps register their rules with :func:`guard`.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError

_rules = defaultdict(list)


def guard(*models):
    """Register a rule for ``models``."""

    def register(rule):
        for model in models:
            _rules[model].append(rule)
        return rule

    return register


def rules_for(model):
    return list(_rules[model])


def check(model, records):
    """``{index: {field: [message, …]}}`` for every problem of ``records``."""
    problems = defaultdict(lambda: defaultdict(list))
    for rule in _rules[model]:
        for index, field, message in rule(records):
            problems[index][field].append(str(message))
    return problems


def enforce(instance):
    """Raise ``ValidationError`` (by field) if any rule refuses ``instance``."""
    problems = check(type(instance), [instance])
    if problems:
        raise ValidationError(dict(problems[0]))
