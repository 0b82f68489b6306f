"""The demo store's catalogue: category tree, brands, tags, names and its fixed dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from services.demo.kinds import (
    ACTION_FIGURES,
    ACTIVITY_GYMS,
    BABY_DOLLS,
    BALANCE_BIKES,
    BIG_BRICKS,
    BOARD_GAMES,
    CARD_GAMES,
    CITY,
    CLASSIC_BRICKS,
    CLAY,
    CODING_ROBOTS,
    CRAFT_KITS,
    DIECAST,
    DOLLHOUSES,
    DRAWING,
    DRESS_UP,
    DRONES,
    ELECTRIC_TRAINS,
    ELECTRONICS_KITS,
    FASHION_DOLLS,
    GARDEN_GAMES,
    KIDS_PUZZLES,
    MAGNETIC,
    OPTICS,
    PLAY_KITCHENS,
    PUSH_PULL,
    PUZZLES_1000,
    RATTLES,
    RC_CARS,
    SAND_WATER,
    SCIENCE_KITS,
    SCOOTERS,
    SOFT_TOYS,
    STACKING,
    SWINGS,
    TECHNIC,
    WOODEN_BLOCKS,
    WOODEN_RAILWAY,
    Kind,
)

REFERENCE_DATE = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 730
BATCH_SIZE = 500
IMAGE_BASE = "https://img.shopgraph.example/products"

BRANDS = (
    "LEGO", "Brickwell", "Woodland Toy Co.", "Little Acorn", "Kiddo Lab", "Sprout & Stone",
    "Polar Bear Toys", "Zoomtrax", "Pebble & Moss", "TinkerNest", "Maple Mouse", "Bright Owl",
    "Orbit Kids", "Puzzlewright", "Crayonia", "Clayworks Junior", "DollyDale", "Hero Forge",
    "Wonderwheel", "Sandpiper Outdoor", "Bolt Robotics", "Stargazer Science", "Tiny Chef",
    "Magnavo", "Meadow & Co.",
)  # fmt: skip
TAGS = (
    "bestseller", "new-arrival", "eco-friendly", "montessori", "gift-idea", "rainy-day",
    "educational", "outdoor", "for-toddlers", "for-babies", "stem", "screen-free",
    "travel-friendly", "party-favour", "christmas-gift", "birthday-gift", "award-winner",
    "family-game", "solo-play", "fine-motor-skills", "gross-motor-skills", "creativity",
    "imaginative-play", "sensory", "wooden", "plastic-free", "made-in-europe", "collectible",
    "limited-edition", "sustainable-packaging", "battery-free", "rechargeable", "washable",
    "glow-in-the-dark", "magnetic", "musical", "teen-approved", "early-learning",
    "bath-time", "cooperative-play",
)  # fmt: skip
TAG_NAMES = {
    "stem": "STEM",
    "eco-friendly": "Eco-friendly",
    "plastic-free": "Plastic-free",
    "battery-free": "Battery-free",
    "travel-friendly": "Travel-friendly",
    "glow-in-the-dark": "Glow-in-the-dark",
    "made-in-europe": "Made in Europe",
    "screen-free": "Screen-free",
    "teen-approved": "Teen-approved",
}
GENERAL_TAGS = ("gift-idea", "birthday-gift", "christmas-gift", "new-arrival", "award-winner")


@dataclass(frozen=True)
class Node:
    name: str
    kind: Kind | None = None
    children: tuple[Node, ...] = ()
    slug: str = ""


def _n(name: str, kind: Kind | None = None, *children: Node, slug: str = "") -> Node:
    return Node(name=name, kind=kind, children=children, slug=slug)


TREE = (
    _n("Building & Construction", None,
       _n("Bricks", None, _n("Technic", TECHNIC), _n("City Sets", CITY),
          _n("Classic Bricks", CLASSIC_BRICKS), _n("Big Bricks", BIG_BRICKS)),
       _n("Magnetic Tiles", MAGNETIC), _n("Wooden Blocks", WOODEN_BLOCKS)),
    _n("Dolls & Playsets", None, _n("Fashion Dolls", FASHION_DOLLS),
       _n("Baby Dolls", BABY_DOLLS), _n("Dollhouses", DOLLHOUSES),
       _n("Action Figures", ACTION_FIGURES)),
    _n("Baby & Toddler", None, _n("Rattles & Teethers", RATTLES), _n("Soft Toys", SOFT_TOYS),
       _n("Stacking & Sorting", STACKING), _n("Activity Gyms", ACTIVITY_GYMS),
       _n("Push & Pull Toys", PUSH_PULL)),
    _n("Outdoor Play", None,
       _n("Ride-ons", None, _n("Balance Bikes", BALANCE_BIKES), _n("Scooters", SCOOTERS)),
       _n("Garden Games", GARDEN_GAMES), _n("Sand & Water", SAND_WATER),
       _n("Swings & Slides", SWINGS)),
    _n("Games & Puzzles", None,
       _n("Jigsaw Puzzles", None, _n("1000+ pieces", PUZZLES_1000, slug="puzzles-1000-plus"),
          _n("Kids' Puzzles", KIDS_PUZZLES)),
       _n("Board Games", BOARD_GAMES), _n("Card Games", CARD_GAMES)),
    _n("Arts & Crafts", None, _n("Drawing & Colouring", DRAWING),
       _n("Modelling Clay", CLAY), _n("Craft Kits", CRAFT_KITS)),
    _n("Vehicles & RC", None, _n("Remote Control Cars", RC_CARS), _n("Drones", DRONES),
       _n("Trains & Tracks", None, _n("Wooden Railway", WOODEN_RAILWAY),
          _n("Electric Trains", ELECTRIC_TRAINS)),
       _n("Die-cast Cars", DIECAST)),
    _n("STEM & Science", None, _n("Coding Robots", CODING_ROBOTS),
       _n("Science Kits", SCIENCE_KITS), _n("Electronics Kits", ELECTRONICS_KITS),
       _n("Microscopes & Telescopes", OPTICS)),
    _n("Pretend Play", None, _n("Play Kitchens", PLAY_KITCHENS), _n("Dress-up", DRESS_UP)),
)  # fmt: skip
# Whatever the store size, these leaves get a few active products so that demos and tests
# can rely on them (the search demo is "lego tecnic").
GUARANTEED = {"technic": 5}
NAME_SUFFIXES = ("Mini", "XL", "Deluxe", "Classic", "Junior", "Pro", "Gift Set", "Mk II")
