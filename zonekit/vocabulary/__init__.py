"""zonekit's words in Chinese and English, in one place.

Messages are in :mod:`.messages`, column headers and code values in :mod:`.labels`, and the names and
colours of the domain's categories in :mod:`.classes`.

Analysis code returns ids, codes and numbers; the writers (workbooks, maps, the command line) turn them into
words here, in the language in force.
"""

from zonekit.vocabulary.messages import LANGUAGES, MESSAGES, language, say, set_language, using

__all__ = ["LANGUAGES", "MESSAGES", "language", "say", "set_language", "using"]
