"""Code that runs: a model writes a solution, the sandbox runs it against the tests, the
failures go back to the model, and it tries again; with ``candidates=K``, K drafts a round,
and the sandbox picks.

    result = Coder("qwen2.5-coder-1.5b", rounds=3).solve("Reverse each word of a sentence",
                                                        tests=open("test_words.py").read())
    print(result.passed, result.code)
"""

from shoal.code.coder import Coder, CodeResult
from shoal.code.examples import docstring_examples, extract_code

__all__ = ["CodeResult", "Coder", "docstring_examples", "extract_code"]
