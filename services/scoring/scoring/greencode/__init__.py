"""The enterprise green code and carbon labels: signed statements anyone can verify offline.

Scoring owns issuing because it holds both inputs: the scorecards and positions it computes, and the
verified product footprints that reach its read model through supplier events. Public verification is
served through the gateway, which forwards to this service.
"""
