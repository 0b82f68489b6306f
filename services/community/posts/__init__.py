"""Community posts: writing posts and threaded comments, likes, and the feed's reads.

Importing this package registers "post" and "comment" with moderation's target registry.
"""

from services.community.posts import targets as _targets  # noqa: F401  (registers handlers)
