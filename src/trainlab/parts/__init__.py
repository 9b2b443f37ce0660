"""One subpackage per course part, for what only that part's lessons use (its figures,
explorers, experiments and exercise checkers).  What two parts use lives one level up, in
:mod:`trainlab` itself; the torch-mirroring core is :mod:`trainlab.numpy_ref`,
:mod:`trainlab.functional`, :mod:`trainlab.nn` and :mod:`trainlab.init`."""
