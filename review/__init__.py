"""The clerks' review desk: a web application served by `orderdesk run` (see review.app)."""
