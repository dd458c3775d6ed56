"""X (formerly Twitter), API v2 on the maintained ``tweepy`` client, OAuth 2.0 user context."""
