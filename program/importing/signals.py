"""Signals of imports, for apps that build on the program (accounts) and that the program may
not import."""

from django.dispatch import Signal

#: Sent inside an import's transaction once it has written a conference's program (never for a
#: dry run); ``sender`` is the Conference. Receivers' writes are part of the import.
program_imported = Signal()
