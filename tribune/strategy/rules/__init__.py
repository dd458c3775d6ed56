"""The social charter's rules engine: pure Python, no database.

    rules = CharterRules.from_dict(charter_version.rules)      # stored JSON
    problems = check_content(rules, "mastodon", text, ContentContext(sponsored=True))
    if blocking(problems): ...

See docs/charter-rules.md for the rule types and the matching semantics.
"""

from tribune.strategy.rules.care import EscalationContact, ResponseTimes
from tribune.strategy.rules.engine import ContentContext, check_content
from tribune.strategy.rules.fields import RulesError, Severity
from tribune.strategy.rules.form import HashtagLimit, LanguageRule, ToneRule, UtmRule
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.rules.terms import DisclosureRule, RequiredTerm, TermRule
from tribune.strategy.rules.violations import Violation, blocking

__all__ = [
    "CharterRules",
    "ContentContext",
    "DisclosureRule",
    "EscalationContact",
    "HashtagLimit",
    "LanguageRule",
    "RequiredTerm",
    "ResponseTimes",
    "RulesError",
    "Severity",
    "TermRule",
    "ToneRule",
    "UtmRule",
    "Violation",
    "blocking",
    "check_content",
]
