"""Benchmarks run by `make bench` (`python -m benchmarks`).

All candidates use one BLAS thread: these machines are shared, and a multi-threaded
BLAS fighting other processes for two cores makes timings swing wildly. Set the
variables yourself before running to measure otherwise.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
