"""HTTP benchmark: shopgraph beside hand-written floors, under the same uvicorn, in one run.

`python -m benchmarks.http` (or `make bench`); see `benchmarks/http/run.py` for the options.
"""
