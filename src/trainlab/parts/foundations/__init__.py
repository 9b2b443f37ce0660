"""What only the foundations chapter uses (vectorization, gradient descent in mini-batches,
bias and variance, data preprocessing): its figures, experiments, stored measurements and
exercise checkers.  Lessons import the names from the submodules, e.g.::

    from trainlab.parts.foundations.gradient_descent import fit_linear_regression
"""
