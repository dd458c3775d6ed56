from tribune.inbox.models.identity import Identity
from tribune.inbox.models.messages import Message
from tribune.inbox.models.moderation import AuthorCondition, ModerationRule, RuleAction
from tribune.inbox.models.notes import Note, SavedReply
from tribune.inbox.models.threads import Tag, Thread, ThreadStatus
from tribune.inbox.models.tracking import Presence, ResponseRecord

__all__ = [
    "AuthorCondition",
    "Identity",
    "Message",
    "ModerationRule",
    "Note",
    "Presence",
    "ResponseRecord",
    "RuleAction",
    "SavedReply",
    "Tag",
    "Thread",
    "ThreadStatus",
]
