"""Analytics: behaviour events shoppers generate, read back by the recommender and reports."""
