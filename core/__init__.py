"""The floor every app stands on: roles and access checks, shared widgets, notification mail, beat helpers.

It imports no app of the portal; the apps and the project (`score_portal`, the roof) import it.
"""
