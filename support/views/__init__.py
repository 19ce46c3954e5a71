"""The support portal: queues, the ticket page, feedback, and the customers' public survey page."""
