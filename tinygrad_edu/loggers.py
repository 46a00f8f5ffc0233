"""The loggers now live in `tinygrad_edu.train.loggers`; this name keeps working."""

from .train.loggers import *  # noqa: F403
from .train.loggers import __all__  # noqa: F401
