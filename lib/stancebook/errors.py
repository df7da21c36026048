"""Every error and warning stancebook raises, in one place.

Messages are written for the researcher: they name the file, column or
parameter, say what was expected, and what to do.
"""


class StancebookError(Exception):
    """Base class of every error stancebook raises on bad input."""


class CorpusError(StancebookError):
    """A corpus file, folder or column cannot be read as asked."""


class ParameterError(StancebookError):
    """A run parameter is unknown, of the wrong type or out of range."""


class StageError(StancebookError):
    """A notebook of the chain failed; the message names notebook, cell and error."""


class RunLockedError(StancebookError):
    """Another process is running a run of the same name; the message names its PID and start time."""


class RunInterrupted(BaseException):
    """The run was stopped by Ctrl-C or SIGTERM; the staging folder is gone, earlier results are intact.

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` swallows it.
    """

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class DataTooSmallWarning(UserWarning):
    """The corpus is too small for a method; the output says what was cut."""
