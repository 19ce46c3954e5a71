"""Every write of the support context: tickets and their conversations, escalations, feedback."""
