"""The responsibility model as OSCAL: a catalog of the handbook's activities, a profile
that selects all of it, and a system security plan whose ``export`` lists what Microsoft
provides and what is left to the customer.

`activities` reads an edition of the `Handbook` into activities and duties (no OSCAL
library); `ids` makes the stable UUIDs and OSCAL tokens; `catalog` and `ssp` build the
documents with compliance-trestle's models (the optional ``oscal`` extra); `command` is
``handbook export oscal`` and the site's exported files.
"""
