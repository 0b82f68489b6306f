"""Community services: reviews, questions and answers, posts, and moderation."""
