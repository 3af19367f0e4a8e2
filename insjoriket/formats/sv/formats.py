"""Swedish input formats for dates (settings.FORMAT_MODULE_PATH): ISO only.

Django's own Swedish locale also accepts ``%m/%d/%Y``, so ``10/3/2025`` became 3 October, the
American order, in every form and in the admin. A Swede reads it as 10 March. The register's
fields (insjoriket.dates.DateField) take ISO dates and the unambiguous Swedish forms; this
module keeps any other form field (the admin's included) to ISO.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
