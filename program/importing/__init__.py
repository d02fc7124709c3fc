"""Bring a program in: read a file a conference published (frab/c3voc schedule.json or
schedule.xml, a Mini-Conf paper list), compare it with what the database holds, and apply it
all or nothing, or only say what would change (``manage.py import_program --dry-run``).

``readers`` turn each format into one neutral shape (``source.Program``); ``applying`` finds
each record again by its source's id on a re-import, so importing an updated file changes what
changed, adds what is new, removes what the file no longer has, and never duplicates.
"""
