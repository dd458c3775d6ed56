"""Strategy and governance models, one module per subject."""

from tribune.strategy.models.campaigns import Campaign, CampaignGoal
from tribune.strategy.models.charter import CharterVersion
from tribune.strategy.models.crisis import Crisis, CrisisEntry, Playbook
from tribune.strategy.models.editorial import ContentPillar, EditorialLine, Persona, PlatformChoice
from tribune.strategy.models.objectives import Kpi, Objective
from tribune.strategy.models.plans import ActionTask
from tribune.strategy.models.reports import CmReport, Decision, ReportComment

__all__ = [
    "ActionTask",
    "Campaign",
    "CampaignGoal",
    "CharterVersion",
    "CmReport",
    "ContentPillar",
    "Crisis",
    "CrisisEntry",
    "Decision",
    "EditorialLine",
    "Kpi",
    "Objective",
    "Persona",
    "PlatformChoice",
    "Playbook",
    "ReportComment",
]
