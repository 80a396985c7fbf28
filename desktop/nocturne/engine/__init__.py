"""The model behind one Protocol (`Engine`): local llama.cpp, a remote server, or a fake for tests.

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
