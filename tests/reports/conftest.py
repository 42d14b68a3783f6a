from tests.interop.conftest import demo
from tests.notify.conftest import contactable, mailable, treated

__all__ = ["contactable", "demo", "mailable", "treated"]
