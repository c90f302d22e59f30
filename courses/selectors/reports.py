"""Staff reports: outcomes per course, item analysis, evaluations, the completions roster.

Every number here comes from SQL aggregates, in a fixed number of queries whatever
the number of learners. Python only does arithmetic on a handful of aggregated values
(one row per course or per question), never on learners' rows.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Cast, RowNumber

from courses.models import (
    Answer,
    Attempt,
    AttemptState,
    Certificate,
    Course,
    EvaluationItem,
    EvaluationResponse,
)
from courses.selectors.transcript import period_q

# Classical test theory: compare the top and bottom 27% of learners (Kelley, 1939).
GROUP_FRACTION = Decimal("0.27")
# Review a question that nearly everyone, or hardly anyone, gets right, or that fails
# to separate strong from weak learners.
TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 95.0, 30.0, 0.2
COMMENTS_SHOWN = 50


def _percent(numerator: str, denominator: str):
    """100 * numerator / denominator in SQL, NULL when the denominator is 0."""
    return Case(
        When(
            **{f"{denominator}__gt": 0},
            then=Cast(numerator, FloatField()) * 100.0 / Cast(denominator, FloatField()),
        ),
        default=None,
        output_field=FloatField(),
    )


def courses_with_outcomes() -> QuerySet[Course]:
    """Courses annotated with enrolments, completions and attempt outcomes, in one query.

    A learner "attempted" when at least one attempt is graded; pass rates are among them.
    Counting DISTINCT enrollments keeps the enrollment x attempt join from double counting.
    """
    graded = Q(enrollments__attempts__state=AttemptState.GRADED)
    return Course.objects.annotate(
        enrolments=Count("enrollments", distinct=True),
        completions=Count(
            "enrollments", distinct=True, filter=Q(enrollments__completed_at__isnull=False)
        ),
        attempted=Count("enrollments", distinct=True, filter=graded),
        graded_attempts=Count("enrollments__attempts", filter=graded),
        passed_first=Count(
            "enrollments",
            distinct=True,
            filter=graded & Q(enrollments__attempts__number=1, enrollments__attempts__passed=True),
        ),
        passed_any=Count(
            "enrollments", distinct=True, filter=graded & Q(enrollments__attempts__passed=True)
        ),
        first_pass_rate=_percent("passed_first", "attempted"),
        pass_rate=_percent("passed_any", "attempted"),
        mean_attempts=Case(
            When(
                attempted__gt=0,
                then=Cast("graded_attempts", FloatField()) / Cast("attempted", FloatField()),
            ),
            default=None,
            output_field=FloatField(),
        ),
    ).order_by("title")


@dataclass(frozen=True)
class ItemStat:
    question_id: int
    number: int
    stem: str
    answered: int
    correct: int
    difficulty: float  # percent correct, 0-100
    upper_correct: int
    upper_n: int
    lower_correct: int
    lower_n: int
    discrimination: float | None  # upper-lower index, -1..1
    point_biserial: float | None  # correlation of correct (0/1) with the attempt score

    @property
    def review_reasons(self) -> list[str]:
        reasons = []
        if self.difficulty > TOO_EASY:
            reasons.append(f"over {TOO_EASY:.0f}% correct")
        if self.difficulty < TOO_HARD:
            reasons.append(f"under {TOO_HARD:.0f}% correct")
        if self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION:
            reasons.append(f"discrimination under {LOW_DISCRIMINATION}")
        return reasons

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reasons)


def group_size(learners: int) -> int:
    """27% of the learners, rounded half up; no groups below two learners."""
    if learners < 2:
        return 0
    return max(1, int((GROUP_FRACTION * learners).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _point_biserial(n, sum_x, sum_y, sum_xy, sum_yy) -> float | None:
    """Pearson's r between x (1 = correct, so sum(x^2) = sum(x)) and the score y."""
    spread_x = n * sum_x - sum_x * sum_x
    spread_y = n * sum_yy - sum_y * sum_y
    if spread_x <= 0 or spread_y <= 1e-9:
        return None  # everyone alike on the question or on the score: r is undefined
    return (n * sum_xy - sum_x * sum_y) / math.sqrt(spread_x * spread_y)


def item_analysis(*, course: Course, learners: int) -> list[ItemStat]:
    """Per question: percent correct and discrimination, from FIRST graded attempts, in one query.

    Only first attempts are used, so every learner counts once and retakes (taken after
    seeing a result) do not flatter the questions. `learners` is the number of first
    attempts (the outcome query counts them), which sets the group size k = 27% of it.

    Upper-lower index: learners are ranked by first-attempt score with ROW_NUMBER()
    windows, one descending and one ascending (ties broken by attempt id, the same order
    reversed), so the upper group is the k best and the lower group the k weakest.
    Those two window subqueries feed filtered COUNTs grouped by question:
    D = correct in upper / upper size - correct in lower / lower size.

    Point-biserial: the same GROUP BY also sums x (correct), y (score), x*y and y^2, from
    which Pearson's r follows; it uses the score including the question itself.
    """
    first = Attempt.objects.filter(enrollment__course=course, number=1, state=AttemptState.GRADED)
    k = group_size(learners)
    ranked = first.annotate(
        best=Window(RowNumber(), order_by=[F("score").desc(), F("pk").asc()]),
        worst=Window(RowNumber(), order_by=[F("score").asc(), F("pk").desc()]),
    )
    upper = Q(attempt__in=ranked.filter(best__lte=k).values("pk"))
    lower = Q(attempt__in=ranked.filter(worst__lte=k).values("pk"))
    score = Cast("attempt__score", FloatField())
    rows = (
        Answer.objects.filter(attempt__in=first.values("pk"))
        .values("question_id", "question__number", "question__stem")
        .annotate(
            answered=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            upper_n=Count("pk", filter=upper),
            upper_correct=Count("pk", filter=upper & Q(is_correct=True)),
            lower_n=Count("pk", filter=lower),
            lower_correct=Count("pk", filter=lower & Q(is_correct=True)),
            sum_y=Sum(score),
            sum_xy=Sum(score, filter=Q(is_correct=True)),
            sum_yy=Sum(score * score),
        )
        .order_by("question__number")
    )
    stats = []
    for row in rows:
        n = row["answered"]
        discrimination = None
        if row["upper_n"] and row["lower_n"]:
            discrimination = round(
                row["upper_correct"] / row["upper_n"] - row["lower_correct"] / row["lower_n"], 4
            )
        r = _point_biserial(n, row["correct"], row["sum_y"], row["sum_xy"] or 0.0, row["sum_yy"])
        stats.append(
            ItemStat(
                question_id=row["question_id"],
                number=row["question__number"],
                stem=row["question__stem"],
                answered=n,
                correct=row["correct"],
                difficulty=100.0 * row["correct"] / n,
                upper_correct=row["upper_correct"],
                upper_n=row["upper_n"],
                lower_correct=row["lower_correct"],
                lower_n=row["lower_n"],
                discrimination=discrimination,
                point_biserial=None if r is None else round(r, 4),
            )
        )
    return stats


def evaluation_summary(*, course: Course) -> QuerySet[EvaluationItem]:
    """Each evaluation statement with its mean rating and number of ratings (one query)."""
    return (
        EvaluationItem.objects.filter(course=course)
        .annotate(mean_rating=Avg("ratings__rating"), ratings_count=Count("ratings"))
        .order_by("position", "pk")
    )


def evaluation_comments(*, course: Course) -> tuple[list, int]:
    """The newest comments and how many there are in all, in one query (a window COUNT)."""
    comments = list(
        EvaluationResponse.objects.filter(enrollment__course=course)
        .exclude(comments="")
        .annotate(total=Window(Count("pk")))
        .only("comments", "submitted_at")
        .order_by("-submitted_at", "-pk")[:COMMENTS_SHOWN]
    )
    return comments, (comments[0].total if comments else 0)


def completions_roster(*, course: Course | None = None, start=None, end=None):
    """Certificates for the audit roster, from their snapshots, newest completion first.

    Revoked and replaced certificates are included: the roster is the record of what
    was issued, and each row carries its status.
    """
    certificates = Certificate.objects.filter(period_q(start=start, end=end))
    if course is not None:
        certificates = certificates.filter(enrollment__course=course)
    return certificates.annotate(replaces_code=F("reissue_of__code")).order_by(
        "-completed_on", "-issued_at", "-pk"
    )
