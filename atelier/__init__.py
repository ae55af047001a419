"""Operator tools: the `atelier` command."""

import warnings

# The kernel imports Nameko, which runs on eventlet; eventlet announces its maintenance mode on import.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
