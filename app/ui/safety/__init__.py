"""The case view's "Hazards and decisions" tab: Awaab's Law hazards, requests that need a
decision and, on arrears cases, the safeguards before a Notice of Seeking Possession."""
