"""Morning briefings: subscriptions, the scheduler that posts each one once, and "what changed"."""
