"""Community: reviews, questions and answers, posts and comments, and their moderation."""
