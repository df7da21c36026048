"""stancebook: a Jupyter research workbook for geopolitical discourse.

The chain of stages, one module each: :mod:`stancebook.corpus`,
:mod:`stancebook.tokenise`, :mod:`stancebook.topics`,
:mod:`stancebook.stance`, :mod:`stancebook.report`; the runner in
:mod:`stancebook.runner` executes the notebooks with papermill.
"""

__version__ = "0.1.0"
