"""The citizen's satisfaction: nine indicators of up to 2 points, and the overall judgement."""

from shared.events.intake import RatingIndicators, Satisfaction

# Points an average indicator must reach. Each indicator is 0 (not satisfied), 1 (satisfied) or
# 2 (very satisfied); the overall judgement follows the average of the nine.
SATISFIED_FROM = 9  # an average of 1
VERY_SATISFIED_FROM = 14  # an average of at least 1.5


def total_points(indicators: RatingIndicators) -> int:
    return sum(indicators.model_dump().values())


def overall(indicators: RatingIndicators) -> Satisfaction:
    total = total_points(indicators)
    if total >= VERY_SATISFIED_FROM:
        return Satisfaction.VERY_SATISFIED
    if total >= SATISFIED_FROM:
        return Satisfaction.SATISFIED
    return Satisfaction.NOT_SATISFIED
