"""How each visit went, recorded by the clinician, the support desk or the scheduling module.

Kept beside the verdict so readiness.insights can say how often "ready" held on video.
"""
