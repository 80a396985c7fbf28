"""The model behind one Protocol (`Engine`): local llama.cpp, a remote server, or a plug-in.

`NOCTURNE_ENGINE=package.module:callable` plugs in an engine of one's own (`plugin.py`).

Only this package imports llama_cpp.
"""

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    Engine,
    GenerationOptions,
    Message,
    Usage,
)

__all__ = ["Completion", "CompletionStream", "Engine", "GenerationOptions", "Message", "Usage"]
