"""Invented officer notes for the demo histories (plain British English, no real people).

``{n}`` in a text is replaced by a house or flat number.
"""

from __future__ import annotations

# (risk_hint, hate_incident, report)
ASB_REPORTS = [
    ("threat", False, "Neighbour at no. {n} threatened to stab resident on the stairs"),
    (
        "threat",
        False,
        "Man from the flat above threatened to 'sort them out' and punched the front door",
    ),
    ("threat", False, "Threatened with a dog in the car park by the neighbour's son"),
    (
        "intimidation",
        False,
        "Group of young men blocking the stairwell and staring; won't let the resident pass",
    ),
    (
        "intimidation",
        False,
        "Neighbour at no. {n} films the resident and the children whenever they go out",
    ),
    (
        "intimidation",
        False,
        "Neighbour banging on the door late at night and shouting through the letterbox",
    ),
    (
        "harassment",
        False,
        "Ongoing verbal abuse from neighbour at no. {n} whenever they meet on the landing",
    ),
    ("harassment", False, "Notes pushed through the door calling the family names"),
    ("harassment", False, "Visitors to flat {n} keep ringing the buzzer through the night"),
    ("hate", True, "Racist abuse shouted at the resident and the children in the courtyard"),
    ("hate", True, "Homophobic graffiti written on resident's front door overnight"),
    ("hate", True, "Neighbour told resident to 'go back where you came from' and spat at the door"),
    ("nuisance", False, "Loud music and parties most nights until 3am from flat {n} above"),
    (
        "nuisance",
        False,
        "Strong cannabis smoke coming into the flat through the vents every evening",
    ),
    ("nuisance", False, "Dog left barking for hours in the flat next door (no. {n})"),
    ("nuisance", False, "Rubbish bags and nappies dumped on the shared landing by flat {n}"),
    ("nuisance", False, "Motorbikes revved in the courtyard late at night"),
    ("none", False, "Children kicking a football against the resident's window"),
    ("none", False, "Neighbour's bikes left blocking the communal hallway"),
    ("none", False, "Dispute with no. {n} over who cuts the shared garden"),
]
ASB_ACKS = [
    ("phone", "Called resident back: report logged, diary sheets explained"),
    ("email", "Acknowledged report by email; diary sheets and noise app details sent"),
    ("phone", "Called to acknowledge the report and check the household is safe"),
    ("letter", "Acknowledgement letter with case officer's direct line"),
]
ASB_UPDATES = [
    ("phone", "Update call: warning letter hand-delivered to the neighbour"),
    ("email", "Emailed update: police have spoken to the household at no. {n}"),
    ("phone", "Called resident: no new incidents since last week"),
    ("letter", "Letter confirming next steps; more diary sheets enclosed"),
    ("visit", "Called in on resident during estate walkabout; diary sheets collected"),
    ("phone", "Update call: mediation offered to both households"),
    ("email", "Emailed update on the CCTV installation date"),
    ("phone", "Called resident: things have been calmer this week"),
    ("email", "Left voicemail, then emailed the update instead"),
    ("phone", "Update call: tenancy warning interview held with perpetrator"),
    ("in_person", "Met resident at the estate office to go through the diary sheets"),
    ("email", "Emailed update: noise recordings reviewed, two breaches noted"),
]
INCIDENTS_IN = [
    ("phone", "Resident called: music again until 2am on Saturday"),
    ("email", "Resident emailed photos of rubbish left outside the front door"),
    ("phone", "Resident called to report a new incident in the lift"),
    ("email", "Resident emailed to say the shouting started again last night"),
    ("portal", "Portal message: new incident log uploaded"),
    ("phone", "Resident rang: neighbour's visitors were in the stairwell again"),
]
REPLIES = [
    ("email", "Replied: incident added to the case log and passed to the police contact"),
    ("phone", "Returned call; logged the incident and agreed next steps"),
    ("email", "Replied: incident logged; will raise it with the other household"),
    ("phone", "Called back; talked through the latest incident and safety plan"),
]
CALLBACK_ASKS = [
    "Resident phoned for an update; officer out, asked for a call back",
    "Resident called the contact centre asking the case officer to ring back",
    "Resident rang in upset after another incident; wants a call back today",
]
CALLBACK_RETURNS = [
    "Returned the call: went through the latest incidents",
    "Called back as requested; went through next steps",
    "Rang resident back; agreed to visit next week",
]
# (agency, ask, reply)
PARTNERS = [
    (
        "police",
        "Any call-outs logged to flat {n} in the last three months?",
        "Police confirm two call-outs; PCSO will visit the household",
    ),
    (
        "environmental health",
        "Noise monitoring equipment for two weeks",
        "EH will install monitoring next Monday",
    ),
    (
        "social services",
        "Safeguarding check for the children in the household",
        "Social worker allocated; will make contact this week",
    ),
    (
        "police",
        "Joint visit to the perpetrator with the neighbourhood team",
        "Neighbourhood sergeant agrees a joint visit",
    ),
    (
        "community mental health team",
        "Support for the neighbour whose behaviour is escalating",
        "Care coordinator will review the neighbour's support plan",
    ),
    (
        "victim support",
        "Referral for emotional support after the threats",
        "Victim Support caseworker assigned",
    ),
]
VISIT_REQUESTS = [
    ("harassment", "Resident asked for a home visit: too frightened to talk on the phone"),
    ("other", "Resident asked for a visit to show us the damage to the door"),
    ("domestic_violence", "Resident disclosed abuse from ex-partner; asked to be seen at home"),
    ("other", "Resident asked for a visit to go through the diary sheets"),
]
HOME_VISITS = [
    "Home visit: took a statement and checked door security",
    "Visited with colleague; went through the diary and safety plan",
    "Home visit: looked at the damage; photos added to the case",
]
# (job, priority, target working days)
ASB_REPAIRS = [
    ("Change front door locks", "emergency", 1),
    ("Fit door viewer and security chain", "urgent", 5),
    ("Repair communal entrance door closer", "urgent", 5),
    ("Fit fire-proof letterbox guard", "urgent", 5),
    ("Install CCTV camera covering the landing", "routine", 20),
    ("Clean off graffiti from front door", "urgent", 5),
]
# (text, owner: "officer" | "resident" | "colleague")
PLAN_ACTIONS = [
    ("Send warning letter to the household at the other address", "officer"),
    ("Keep diary sheets for two weeks", "resident"),
    ("Install the noise app and record incidents", "resident"),
    ("Interview neighbours either side", "officer"),
    ("Refer to the police ASB team", "officer"),
    ("Offer mediation to both households", "colleague"),
    ("Tenancy warning interview with the perpetrator", "officer"),
    ("Review CCTV footage from the communal camera", "colleague"),
    ("Check safeguarding concerns with social services", "officer"),
    ("Arrange estate walkabout with the caretaker", "colleague"),
]
DISSATISFIED = [
    ("phone", "Resident angry that nothing has changed after six weeks of reports"),
    ("email", "Resident unhappy that nobody called back last week"),
    ("phone", "Resident feels ignored and wants to complain"),
]
# (about the officer?, complaint)
COMPLAINTS = [
    (False, "Complaint: no action on ASB from neighbour for six weeks"),
    (True, "Complaint: housing officer did not return calls for three weeks"),
    (False, "Complaint: kitchen leak repair missed three appointments"),
    (False, "Complaint: rent account shows charges already paid"),
    (True, "Complaint: officer was dismissive at the estate office"),
    (False, "Complaint: damp and mould in child's bedroom still not treated"),
    (False, "Complaint: letters sent to the wrong address after transfer"),
    (False, "Complaint: communal heating off for nine days"),
    (True, "Complaint: officer shared personal details with a neighbour"),
    (False, "Complaint: service charge increase not explained"),
]
# complaint -> its points in the resident's words (what each response has to decide)
COMPLAINT_POINTS = {
    "Complaint: no action on ASB from neighbour for six weeks": [
        "I reported the neighbour six weeks ago and nothing has been done",
        "Nobody told me what would happen next",
    ],
    "Complaint: housing officer did not return calls for three weeks": [
        "My housing officer did not return my calls for three weeks",
        "Messages left at the office were not passed on",
    ],
    "Complaint: kitchen leak repair missed three appointments": [
        "The kitchen leak is still not fixed",
        "Three repair appointments were missed without warning",
    ],
    "Complaint: rent account shows charges already paid": [
        "My rent account shows charges I have already paid",
        "I was sent an arrears letter for money I do not owe",
    ],
    "Complaint: officer was dismissive at the estate office": [
        "The officer at the estate office was dismissive and rude",
    ],
    "Complaint: damp and mould in child's bedroom still not treated": [
        "The damp and mould in my child's bedroom has not been treated",
        "Nobody inspected it after I sent the photos",
    ],
    "Complaint: letters sent to the wrong address after transfer": [
        "Letters were sent to my old address after my transfer",
    ],
    "Complaint: communal heating off for nine days": [
        "The communal heating was off for nine days",
        "We were not told when it would be back on",
    ],
    "Complaint: officer shared personal details with a neighbour": [
        "The officer told a neighbour about my personal circumstances",
    ],
    "Complaint: service charge increase not explained": [
        "The service charge went up without any explanation",
        "My request for a breakdown was not answered",
    ],
}
ASB_COMPLAINT_POINTS = [
    "My reports of anti-social behaviour were not acted on",
    "Nobody kept me updated as promised",
]
EXTENSION_REASONS = [
    "Awaiting the contractor's report on the leak",
    "Need to interview a staff member who is on leave",
    "Awaiting records from the repairs contractor",
    "Police information needed before we can answer point 2",
]
ESCALATIONS = [
    "Resident unhappy with the stage 1 outcome; asks for a review",
    "Resident says stage 1 did not answer the point about compensation",
    "Resident wants the complaint looked at again by a manager",
]
REFUSALS = [
    "Stage 1 answered every point; no new issues raised. Ombudsman details given",
    "Escalation is about a new matter, logged as a new complaint. Ombudsman details given",
]
# (subject, request, [(decision, reasons)])
GENERAL_REQUESTS = [
    (
        "transfer",
        "Asks for a management transfer because of harassment on the estate",
        [
            (
                "Approved: management transfer, band B",
                "Police and officer evidence of ongoing harassment; risk to the household",
            ),
            (
                "Refused for now; review in 3 months",
                "No incidents reported since the perpetrator moved; case stays open for support",
            ),
        ],
    ),
    (
        "transfer",
        "Asks to move to a ground-floor flat",
        [
            (
                "Added to transfer list, band C",
                "Household needs a ground-floor home on medical grounds",
            )
        ],
    ),
    (
        "medical_assessment",
        "Asks for a medical assessment: can no longer manage the stairs",
        [
            (
                "Medical priority awarded",
                "GP letter and OT report confirm the resident cannot use the stairs",
            ),
            (
                "No medical priority",
                "Evidence shows the current home meets the household's needs; adaptations offered",
            ),
        ],
    ),
    (
        "rehousing_advice",
        "Asks for advice on moving nearer to family in Kent",
        [("Advice given", "Mutual exchange and HomeSwapper explained; letter with options sent")],
    ),
    (
        "policy_copy",
        "Asks for a copy of the pets policy",
        [("Policy sent", "Copy of the pets policy emailed and posted")],
    ),
    (
        "policy_copy",
        "Asks for a copy of the ASB policy and procedure",
        [("Policy sent", "ASB policy and procedure emailed")],
    ),
    (
        "information",
        "Asks for a breakdown of the new service charge",
        [("Information given", "Service charge breakdown for the block sent by letter")],
    ),
    (
        "information",
        "Asks who is responsible for the communal garden",
        [("Information given", "Grounds maintenance contract explained; schedule sent")],
    ),
]
GENERAL_REPLIES = [
    "Acknowledged the request and explained when a decision is due",
    "Replied: request logged; explained the timescale and what evidence would help",
]
DECISION_LETTERS = ["Decision letter sent with reasons", "Wrote to resident with the decision"]
# (job, priority, target working days, report)
REPAIR_JOBS = [
    ("Front door lock broken", "emergency", 1, "Resident cannot lock the front door"),
    ("No heating or hot water", "emergency", 1, "Boiler showing fault code; no heating"),
    ("Kitchen tap leaking under the sink", "urgent", 5, "Water pooling in the kitchen cupboard"),
    ("Cracked toilet cistern", "urgent", 5, "Toilet cistern cracked and leaking"),
    (
        "Damp patch and mould on bedroom ceiling",
        "urgent",
        5,
        "Black mould spreading in the bedroom",
    ),
    ("Bathroom extractor fan not working", "routine", 20, "Extractor fan stopped working"),
    (
        "Window handle snapped in living room",
        "routine",
        20,
        "Living room window handle snapped off",
    ),
    (
        "Loose stair nosing on communal stairs",
        "routine",
        20,
        "Loose stair edge on the communal stairs",
    ),
    ("Blocked bath waste", "routine", 20, "Bath drains very slowly"),
    ("Kitchen cupboard door hanging off", "routine", 20, "Cupboard door came off its hinge"),
]
REPAIR_CONFIRMS = [
    "Confirmed the appointment with the resident",
    "Told resident the contractor's appointment date",
]
REPAIR_CHECKS = [
    "Called to check the repair was done properly; resident happy",
    "Post-inspection call: work complete",
]
REPAIR_CHASES = [
    "Resident emailed asking when the contractor is coming",
    "Resident emailed photos of the problem",
]
REPAIR_CHASE_REPLIES = [
    "Replied with the appointment date",
    "Replied: photos passed to the contractor",
]
ARREARS_RESULTS = [
    "Arrears £{a}; last payment {w} weeks ago; Universal Credit housing costs not yet in payment",
    "Account checked: two payments not yet posted; arrears £{a} after allowing for them",
    "Arrears £{a}; payment plan of £10 a week being kept",
    "Arrears £{a}; housing benefit suspended pending a review",
]
ARREARS_OUT = [
    ("letter", "Arrears letter sent with the money advice leaflet"),
    ("phone", "Called to discuss a payment plan of £10 a week on top of the rent"),
    ("email", "Emailed details of the in-house money advice service"),
    ("phone", "Called to check the Universal Credit claim has gone in"),
]
ARREARS_IN = [
    ("phone", "Resident called: lost their job, asked for a call back about a payment plan"),
    ("phone", "Resident rang about a letter they did not understand; wants a call back"),
]
ARREARS_LETTERS_IN = [
    ("letter", "Letter from resident with bank statements showing payments"),
    ("email", "Resident emailed proof of the Universal Credit claim"),
]
OUTCOMES = {
    "asb": [
        "Nuisance stopped after tenancy warning",
        "Perpetrator moved out; no further incidents",
        "Resolved through mediation",
        "No further reports for eight weeks; resident happy to close",
        "Acceptable behaviour contract signed; incidents stopped",
    ],
    "complaint": [
        "Complaint resolved; remedy accepted",
        "Complaint closed; resident told of the right to go to the Ombudsman",
        "Resolved at stage 2",
    ],
    "general": [
        "Decision sent; no further action needed",
        "Request dealt with; resident satisfied",
    ],
    "repair": ["Repair completed and checked", "Repair done; no further issues"],
    "arrears": ["Arrears cleared", "Payment plan kept for three months; account up to date"],
}
