"""Multiple systems estimation: how many people no list recorded.

Inputs are capture-pattern tables (:mod:`factfinder.estimate.table`); every method returns an
:class:`~factfinder.estimate.result.Estimate` with its interval, the model that made it, its fit
and the warnings a reader must see.
"""

from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable

__all__ = ["CaptureTable", "Estimate"]
