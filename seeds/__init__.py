"""Data, no code: the taxonomy, the feed catalog and the recorded sample feeds.

It is a package only so that an installed spacebrief can find these files with
`importlib.resources.files("spacebrief.seeds")`.
"""
