"""How well the verdict predicts the visit: counts and intervals, and the charts that show them.

stats (pure arithmetic), facts (checks and visits read from the database as plain records),
report (the report's every table, the same for the page, the CSV files and `flask insights
report`), charts (the SVG geometry). Only counts leave this package, never a patient.
"""
