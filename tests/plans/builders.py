"""What the tests of plans, results and personal data share: a played table of three
themes, plan items, and the clients of a phone and of the facilitator."""

import json

from django.test import Client
from django.urls import reverse

from game.room.accounts import PLAYER_COOKIE, sign_player_token


def item(card, action="Regionale kroeg organiseren", sector="overheid", by_when="juni"):
    return {"card": card, "action": action, "sector": sector, "by_when": by_when}


def phone_of(player) -> Client:
    client = Client()
    client.cookies[PLAYER_COOKIE] = sign_player_token(player.token)
    return client


def save(client, items):
    return client.post(reverse("plan_save"), json.dumps(items), content_type="application/json")


def host_client(workshop) -> Client:
    client = Client()
    client.force_login(workshop.facilitator)
    return client
