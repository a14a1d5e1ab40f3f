"""opsbot's Slack edge: Bolt listeners, Block Kit views, and delivery of the outbox through slack_sdk."""
