from tribune.listening.models.alerts import Alert, AlertDelivery
from tribune.listening.models.mentions import Mention, MentionMatch
from tribune.listening.models.oncall import OnCallPerson, OnCallSchedule
from tribune.listening.models.queries import Query
from tribune.listening.models.sources import Source

__all__ = [
    "Alert",
    "AlertDelivery",
    "Mention",
    "MentionMatch",
    "OnCallPerson",
    "OnCallSchedule",
    "Query",
    "Source",
]
