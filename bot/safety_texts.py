"""What the helpline says when it sees risk: English msgids, translated when sent.

Written following the guidance cited in docs/safety.md: acknowledge and believe, no
pressure, no labels ("you are a victim"), no questions about perpetrators, police never
the only option, and safe-messaging for self-harm (care, ask directly about safety,
give a number, never discuss methods). The discreet variants are for a phone someone
else may read: short, plain, without words that would give the person away.
"""

from bot.i18n import N_

EMERGENCY_OPENING = N_("I hear you. Your safety comes first, and I am alerting a caseworker now.")
SELF_HARM = N_(
    "Thank you for telling me. I am really sorry you feel this way, and I am glad you "
    "wrote. Are you safe right now? If you might act on these thoughts, please call the "
    "emergency number now, or ask someone near you to stay with you. A caseworker will "
    "write to you here."
)
EMERGENCY_NUMBERS = N_("Emergency numbers:")
DANGER_STEPS = N_(
    "If you can, go to a safe place or near other people, and keep your phone with you. "
    "You do not have to answer me if it is not safe to write. If it helps, tell me where "
    "you are, only if you want to."
)
HIGH = N_(
    "Thank you for telling me. What you describe is not okay, and it is not your fault. "
    "A caseworker can help you confidentially: they will not share anything without your "
    "consent, and you decide what happens next. I am asking one to write to you here. "
    "If you do not want this, write NO."
)
HIGH_DISCREET = N_(
    "Thank you for writing. Someone from our team can write to you here. If you do not "
    "want this, write NO."
)
MEDIUM = N_(
    "What you describe is not how work or travel should be. You have rights, whatever "
    "your papers. A caseworker can explain your options confidentially."
)
MEDIUM_DISCREET = N_("Thank you. Someone from our team can answer your questions here.")
DECLINED = N_(
    "OK. No caseworker will write to you unless you ask. You can write /human at any "
    "time, and I am still here for your questions."
)
TALK_TO_PERSON = N_("Talk to a person")
NOT_NOW = N_("Not now")
NO_THANKS = N_("No, thank you")
SAFE_PHONE_QUESTION = N_(
    "Before we go on: is it safe for you to write here? Could someone else read this phone?"
)
SAFE_YES = N_("It is safe")
SAFE_NO = N_("Not safe")
SAFE_NOTED = N_(
    "Thank you. If that changes, write /clear and I will switch to short, plain messages."
)
DISCREET_ON = N_(
    "Understood. From now on my messages will be short and plain. Write /clear at any "
    "time to remove this chat from the screen, and delete it on your phone too if you can."
)
CLEARED = N_("OK.")
APOLOGY = N_(
    "Sorry, something went wrong on our side and your message could not be handled. "
    "Please send it again in a minute. If you are in danger, call the emergency number."
)
