"""Analytics tables: daily rollups, conversions, report templates, competitors."""

from tribune.analytics.models.competitors import Competitor, CompetitorSnapshot
from tribune.analytics.models.conversions import Conversion, ConversionEndpoint, ConversionGoal
from tribune.analytics.models.reports import AgencyBranding, ReportRun, ReportTemplate
from tribune.analytics.models.rollups import DailyMetric, PostTotals, RollupState

__all__ = [
    "AgencyBranding",
    "Competitor",
    "CompetitorSnapshot",
    "Conversion",
    "ConversionEndpoint",
    "ConversionGoal",
    "DailyMetric",
    "PostTotals",
    "ReportRun",
    "ReportTemplate",
    "RollupState",
]
