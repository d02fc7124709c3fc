"""The program in other formats: frab/c3voc (``frab``), iCalendar (``calendar``), our own fixtures
(``exporting``, ``loading``) and the files apps poll (``files``). Reading other formats in is
``program.importing``."""
