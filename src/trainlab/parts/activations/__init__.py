"""What only the activation-functions part uses: its figures, explorer, experiments and
exercise checkers.  Lessons import the names from the submodules, e.g.::

    from trainlab.parts.activations.catalogue import plot_activation_catalogue
"""
