"""Strategy services: ``do_*`` assume valid input, ``check_*`` validate.

``check_brand_content`` is the entry point other packages call to check a text against a
brand's charter.
"""

from tribune.strategy.services.charter import check_brand_content, current_rules, current_version
from tribune.strategy.services.crisis import do_open_crisis

__all__ = ["check_brand_content", "current_rules", "current_version", "do_open_crisis"]
