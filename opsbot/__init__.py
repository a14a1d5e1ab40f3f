"""opsbot's core: the operations center's rules, records and services, free of Slack."""
