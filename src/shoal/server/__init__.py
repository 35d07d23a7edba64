"""shoal as a service: an OpenAI-compatible API and a live page (the ``[server]`` extra)."""

from shoal.server.app import create_app, serve
from shoal.server.settings import Settings

__all__ = ["Settings", "create_app", "serve"]
