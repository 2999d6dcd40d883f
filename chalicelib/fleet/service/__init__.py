"""The fleet's use cases: `commands` (a crew's reports), `views` (the fleet view, the crew's
assignment) and `announce` (a unit came free)."""
