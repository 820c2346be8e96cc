"""Template filters of the deck's pages (cards.text as filters)."""
