"""The instruments shipped with PUA: XLSForm workbooks (``*.xlsx``) built
from the Python definitions in this package by ``build.py``, loaded by
``pua.assessments.loader``."""
