from tests.notify.conftest import contactable, mailable, treated

__all__ = ["contactable", "mailable", "treated"]
