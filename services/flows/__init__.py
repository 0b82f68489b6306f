"""Cross-domain steps: each flow calls the public services of two domains, in order.

A domain's own services import only their domain and the models; when one domain's change
must cause another's, the caller runs the flow named after that step. When events arrive,
each flow is the consumer to move.
"""
