"""What only the weight-initialization part uses: its figures, explorer, experiments and
exercise checkers.  Lessons import the names from the submodules, e.g.::

    from trainlab.parts.initialization.glorot import plot_glorot_histograms
"""
