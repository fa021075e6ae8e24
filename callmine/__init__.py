"""callmine: contact-center call analytics.

Discover request types, classify calls at scale, rank automation candidates,
forecast load and staff it (Erlang C/A).
"""

from callmine.errors import CallmineError

__version__ = "0.1.0"

__all__ = ["CallmineError", "__version__"]
