"""Compiled kernels: the only part of esma that imports numba.

Kernels take int64 arrays and plain integers, read no globals and return arrays and integers; the
public wrappers (:mod:`esma.massey`, :mod:`esma.screening`, :mod:`esma.verify`) validate
arguments and build result objects. Each kernel has a plain-Python twin in
:mod:`esma.kernels.plain` that computes the same thing on lists; the tests compare the two, and
small jobs run the twins (:mod:`esma.kernels.policy` decides).

Importing this package imports neither numba nor numpy; import a kernel module
(``esma.kernels.bm``) for that.

>>> import esma.kernels
>>> esma.kernels.__name__
'esma.kernels'
"""
