"""Facebook Pages and Instagram professional accounts, on Meta's Graph API."""
