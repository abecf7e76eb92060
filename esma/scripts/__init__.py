"""Heads of the files ``esma export`` writes for other tools.

Each module here is the first part of an exported file: the export appends the list ``FORMULAS``
and the lines that run ``main()``. They are modules (not text templates) so that they are linted
and tested like the rest of esma; esma itself reads them as text and never imports them.
"""
