"""A player's plan as Markdown, to download and keep."""

from __future__ import annotations

from game.models import Player, Sector
from game.plans.selectors import plan_of


def plan_markdown(player: Player) -> str:
    sectors = dict(Sector.choices)
    lines = [f"# Mijn actieplan — {player.name}", "", f"{player.workshop.name}", ""]
    for item in plan_of(player):
        lines += [
            f"## {item.position}. {item.card.title} ({item.card.theme.name})",
            "",
            f"> {item.card.call_to_action}",
            "",
            f"- **Wat ik ga doen:** {item.action or '-'}",
            f"- **Met wie:** {sectors.get(item.sector, '-') if item.sector else '-'}",
            f"- **Wanneer:** {item.by_when or '-'}",
            *([f"- **Als … dan:** {item.if_then}"] if item.if_then else []),
            "",
        ]
    return "\n".join(lines)
