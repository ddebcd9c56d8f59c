"""The settings, as the application layer names them: `spacebrief.settings` holds the model.

The library reads its configuration itself now (`spacebrief.open()` with no settings
loads them); the CLI and the flows import them from here, as scripts and tests did
before the model moved.
"""

from spacebrief.exceptions import ConfigurationError
from spacebrief.settings import Settings, load_settings, seeds_dir, variable_of

__all__ = ["ConfigurationError", "Settings", "load_settings", "seeds_dir", "variable_of"]
