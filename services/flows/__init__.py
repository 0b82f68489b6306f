"""Cross-domain steps: each flow calls the public services of two domains, in order.

A domain's own services import only their domain and the models; when one domain's change
must cause another's, either the caller runs the flow named after that step, or the flow
is a consumer of the first domain's event (registered in `reactions.py`).
"""
