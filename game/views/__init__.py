"""HTTP pages of the live game, one module per audience:

- ``phone``: joining and the game page; ``plan``: the player's action plan.
- ``host``: the facilitator's dashboard; ``actions``: what its buttons do.
- ``projector``: the big screen; ``results``: results, report and CSV.

Views are thin: a form or the request in, a service call, a page or redirect out.
"""
