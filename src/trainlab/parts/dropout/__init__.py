"""What only the dropout part uses: its figures, explorer, experiments and exercise checkers.
Lessons import the names from the submodules, e.g.::

    from trainlab.parts.dropout.basics import plot_dropout_mask
"""
