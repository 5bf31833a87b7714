"""Create demo boards, topics and three accounts (member, moderator, admin)."""

import datetime
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from accounts.models import SiteSettings, User
from accounts.timeutil import today
from forum import actions
from forum.models import Board, Visibility

BOARDS = [
    {
        "slug": "welcome",
        "name": gettext_noop("Welcome and rules"),
        "description": gettext_noop("Start here: how this place works and how we keep each other safe."),
        "visibility": Visibility.PUBLIC,
        "topics": [
            (
                "moderator",
                "How we keep each other safe",
                "Welcome. A few rules protect everyone here:\n\n"
                "1. **Never post real names, addresses, workplaces or photos** of anyone, "
                "yourself included.\n"
                "2. Use a pseudonym you use nowhere else.\n"
                "3. If a post exposes someone, report it as *exposes someone's identity or "
                "location*: it disappears at once until a moderator looks at it.\n"
                "4. The red **Quick exit** button at the top leaves this site at once.\n",
                ["Thank you for this. Glad to be here."],
            ),
        ],
    },
    {
        "slug": "safe-places",
        "name": gettext_noop("Safe places"),
        "description": gettext_noop("Places and groups where it is safe to meet. Describe, never pin-point."),
        "visibility": Visibility.TRUSTED,
        "topics": [
            (
                "member",
                "A café that has been welcoming for years",
                "The one near the old market, with the green door. Staff know, and nobody "
                "asks questions. Go in small groups and not at the same hour every week.",
                ["Went there last week, can confirm. Quiet in the afternoons."],
            ),
        ],
    },
    {
        "slug": "legal-help",
        "name": gettext_noop("Legal help"),
        "description": gettext_noop("Your rights, lawyers who help, what to do when stopped."),
        "visibility": Visibility.MEMBERS,
        "topics": [
            (
                "moderator",
                "If you are stopped: what you can say and what you can refuse",
                "You can ask whether you are free to go. You can ask for a lawyer. "
                "You do not have to unlock your phone in most cases; ask our legal volunteers "
                "what applies where you live.\n\n> Write the number of a lawyer on paper, "
                "not only in your phone.",
                ["Is there someone who can help with documents for a name change?"],
            ),
        ],
    },
    {
        "slug": "health",
        "name": gettext_noop("Health"),
        "description": gettext_noop("Doctors who are kind, medication, mental health, counselling."),
        "visibility": Visibility.MEMBERS,
        "topics": [
            (
                "member",
                "Counselling that does not try to change who you are",
                "Does anyone know a counsellor who works online and is safe to talk to? "
                "I would prefer someone who speaks *Arabic* or *French*.",
                ["There is a volunteer line twice a week. Message a moderator for details."],
            ),
        ],
    },
    {
        "slug": "work-and-housing",
        "name": gettext_noop("Work and housing"),
        "description": gettext_noop("Jobs, rooms, and landlords who will not ask."),
        "visibility": Visibility.MEMBERS,
        "topics": [
            (
                "member",
                "Room available for a few weeks",
                "A spare room for someone who needs to leave home quickly. Quiet building. "
                "Ask a moderator to put you in touch; do not post contact details here.",
                [],
            ),
        ],
    },
    {
        "slug": "introductions",
        "name": gettext_noop("Introductions"),
        "description": gettext_noop("Say hello. No real names, no photos."),
        "visibility": Visibility.MEMBERS,
        "topics": [
            (
                "member",
                "Hello from the coast",
                "New here. I found this place through a friend. Happy to help with "
                "translations.",
                ["Welcome! Glad you found us."],
            ),
        ],
    },
]


def _in_every_language(**texts) -> dict[str, str]:
    """Return modeltranslation's field for each text in each language, from the catalogues."""
    fields = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for field, text in texts.items():
                fields[f"{field}_{code.replace('-', '_')}"] = gettext(text)
    return fields


class Command(BaseCommand):
    help = "Create demo boards, topics and posts, and a member, a moderator and an admin."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any board already exists."
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Board.objects.exists():
            self.stdout.write("Demo content not added: the forum already has boards.")
            return
        translation.activate("en")
        passwords = {name: secrets.token_urlsafe(12) for name in ("member", "moderator", "admin")}
        with transaction.atomic():
            site = SiteSettings.load()
            people = {
                "member": User.objects.create_user(
                    "river", passwords["member"], approved_post_count=site.new_member_held_posts,
                    date_joined=today() - datetime.timedelta(days=site.probation_days + 30),
                ),
                # Past probation too: until they set up two-factor sign-in, a moderator
                # posts as a plain member, and the demo's rules must not wait for approval.
                "moderator": User.objects.create_user(
                    "lantern", passwords["moderator"], is_global_moderator=True,
                    approved_post_count=site.new_member_held_posts,
                    date_joined=today() - datetime.timedelta(days=site.probation_days + 30),
                ),
                "admin": User.objects.create_superuser("keeper", passwords["admin"]),
            }
            for position, spec in enumerate(BOARDS):
                board = Board.objects.create(
                    slug=spec["slug"],
                    visibility=spec["visibility"],
                    position=position,
                    **_in_every_language(name=spec["name"], description=spec["description"]),
                )
                for author_key, title, body, replies in spec["topics"]:
                    topic = actions.create_topic(
                        board, author=people[author_key], title=title, body=body
                    )
                    for index, reply in enumerate(replies):
                        replier = people["moderator" if index % 2 else "member"]
                        if replier == people[author_key]:
                            replier = people["moderator"]
                        actions.create_reply(topic, author=replier, body=reply)
        self.stdout.write(self.style.SUCCESS("Demo content created. Passwords are shown once:"))
        for key, user in people.items():
            self.stdout.write(f"  {key:<10} {user.username:<10} {passwords[key]}")
