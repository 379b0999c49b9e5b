"""Events in words, as the read models and the screens use them: the words are defined
in `domain.describe`, beside the events, since the store writes each event's audit row
(its summary and target) in the transaction that stores it."""

from domain.describe import (  # noqa: F401 - the names the read side imports from here
    ADJUSTMENT_LABELS,
    DECISION_LABELS,
    DECISION_LABELS_EN,
    KIND_LABELS,
    MEETING_LABELS,
    MEETING_LABELS_EN,
    OUTCOME_LABELS,
    OUTCOME_LABELS_EN,
    QUARTERS,
    REPORT_LABELS,
    SOURCE_LABELS,
    SOURCE_LABELS_EN,
    WORDS,
    Words,
    effect,
    kind_label,
    period_label,
    points,
    report_label,
    summary,
    target_of,
)
