"""briefbot: a sourced conflict briefing for Slack, Discord and the terminal."""
