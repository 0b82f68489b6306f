"""Personalized feeds: train and serve the recommender, assemble sections under business rules.

`training` (database -> versioned artifact), `registry` (the serving model, hot-swapped),
`candidates` (scored products per section), `rules` (what may be shown, in what order),
`assembly` (a section for one shopper, cached by `cache`), `feedback` ("not interested").
"""
