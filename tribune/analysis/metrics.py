"""Classification metrics written out in full, so the numbers we publish are auditable
(and testable on a hand-computed example) without trusting a library's defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClassReport:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    labels: tuple[str, ...]
    # confusion[i][j]: gold labels[i] predicted as labels[j]
    confusion: tuple[tuple[int, ...], ...]
    classes: tuple[ClassReport, ...]
    accuracy: float

    @property
    def macro_f1(self) -> float:
        """Unweighted mean of the per-class F1 (a class never seen nor predicted counts 0)."""
        return sum(c.f1 for c in self.classes) / len(self.classes)

    def by_label(self, label: str) -> ClassReport:
        return next(c for c in self.classes if c.label == label)

    def to_dict(self) -> dict[str, object]:
        return {
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "classes": {
                c.label: {
                    "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4),
                    "f1": round(c.f1, 4),
                    "support": c.support,
                }
                for c in self.classes
            },
            "confusion": [list(row) for row in self.confusion],
        }


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def evaluate(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> Report:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    classes = []
    for i, label in enumerate(labels):
        true_pos = matrix[i][i]
        predicted_as = sum(row[i] for row in matrix)
        support = sum(matrix[i])
        precision = _ratio(true_pos, predicted_as)
        recall = _ratio(true_pos, support)
        f1 = _ratio(2 * true_pos, predicted_as + support)
        classes.append(ClassReport(label, precision, recall, f1, support))
    correct = sum(matrix[i][i] for i in range(len(labels)))
    return Report(
        labels=labels,
        confusion=tuple(tuple(row) for row in matrix),
        classes=tuple(classes),
        accuracy=_ratio(correct, len(gold)),
    )


def format_report(report: Report, title: str = "") -> str:
    """Plain-text report: macro-F1, per-class precision/recall/F1, confusion matrix."""
    width = max(10, *(len(label) for label in report.labels))
    lines = [title] if title else []
    lines.append(f"macro-F1: {report.macro_f1:.4f}   accuracy: {report.accuracy:.4f}")
    lines.append(f"{'class':<{width}}  precision  recall  f1      support")
    for c in report.classes:
        lines.append(
            f"{c.label:<{width}}  {c.precision:9.4f}  {c.recall:6.4f}  {c.f1:6.4f}  {c.support:7d}"
        )
    lines.append("confusion matrix (rows = gold, columns = predicted):")
    lines.append(" " * width + "  " + "  ".join(f"{label:>{width}}" for label in report.labels))
    for label, row in zip(report.labels, report.confusion, strict=True):
        lines.append(f"{label:<{width}}  " + "  ".join(f"{n:>{width}}" for n in row))
    return "\n".join(lines)
