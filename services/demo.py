"""The deterministic demo toy store behind `shopgraph seed`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction
from tqdm import tqdm

from models.catalog import (
    Brand,
    Category,
    Certification,
    CertificationScheme,
    Product,
    ProductImage,
    ProductStatus,
    Tag,
    Variant,
)
from services.catalog.importer import slugify
from services.catalog.writes import refresh_products

# Fixed so that the same seed gives byte-for-byte the same store on any day.
REFERENCE_DATE = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 730
BATCH_SIZE = 500
IMAGE_BASE = "https://img.shopgraph.example/products"

_COLOURS = ("Red", "Blue", "Green", "Yellow", "Orange", "Purple", "Pink", "Teal", "Black")
_PASTELS = ("Sage", "Sand", "Dusty Pink", "Mint", "Oat", "Sky Blue", "Lavender", "Cream")
_NATURAL = ("Natural", "Rainbow", "Pastel", "Walnut", "White")
_KID_SIZES = ("2-3Y", "3-4Y", "4-5Y", "5-6Y", "7-8Y", "9-10Y")

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
_TAG_NAMES = {
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
_GENERAL_TAGS = ("gift-idea", "birthday-gift", "christmas-gift", "new-arrival", "award-winner")


@dataclass(frozen=True)
class _Kind:
    """What products in one leaf category look like."""

    nouns: tuple[str, ...]
    adjectives: tuple[str, ...]
    brands: tuple[str, ...]
    ages: tuple[int, int | None]
    prices: tuple[int, int]
    materials: tuple[str, ...]
    features: tuple[str, ...]
    tags: tuple[str, ...] = ()
    palette: tuple[str, ...] = _COLOURS
    sizes: tuple[str, ...] = ()
    # "{brand}" is replaced by the brand's name; empty means the brand is sometimes named.
    line: str = ""
    batteries: tuple[str, ...] = ()
    battery_share: float = 1.0
    weight: int = 10


@dataclass(frozen=True)
class _Node:
    name: str
    kind: _Kind | None = None
    children: tuple[_Node, ...] = ()
    slug: str = ""


def _n(name: str, kind: _Kind | None = None, *children: _Node, slug: str = "") -> _Node:
    return _Node(name=name, kind=kind, children=children, slug=slug)


_PLASTIC = ("ABS plastic", "recycled plastic")
_WOOD = ("FSC wood", "beech wood", "water-based paint")

TECHNIC = _Kind(
    nouns=("Race Car", "Off-Road Truck", "Excavator", "Mobile Crane", "Motorbike", "Tractor",
           "Rally Car", "Bulldozer", "Rescue Helicopter", "Supercar", "Dump Truck", "Forklift",
           "Monster Truck", "Formula Racer", "Tow Truck", "Concrete Mixer"),
    adjectives=("Yellow", "Heavy-Duty", "Pull-Back", "4x4", "Motorised", "Arctic", "Desert",
                "Neon", "Blue", "Red", "Rescue"),
    brands=("LEGO",), line="LEGO Technic", ages=(108, 216), prices=(19, 449),
    materials=("ABS plastic",), palette=("Orange", "Yellow", "Blue", "Red", "Black"),
    features=("Working steering, gears and pistons show how real machines move.",
              "A rewarding build with a real gearbox and suspension.",
              "Motorise it with the optional power kit for even more action."),
    tags=("collectible", "stem", "teen-approved", "educational", "rainy-day"),
    batteries=("AAA",), battery_share=0.12, weight=18,
)  # fmt: skip
CITY = _Kind(
    nouns=("Fire Station", "Police Car", "Train Station", "Garbage Truck", "Hospital",
           "Ice Cream Van", "Farm", "Airport", "Space Shuttle", "Pizza Shop", "Camper Van",
           "Harbour", "Ambulance", "Street Sweeper"),
    adjectives=("Big", "Deluxe", "Starter", "Family", "Modular", "Downtown", "Seaside"),
    brands=("LEGO", "Brickwell"), line="{brand} City", ages=(60, 144), prices=(9, 139),
    materials=("ABS plastic",),
    features=("Includes minifigures and stickers for endless stories.",
              "Combine it with other sets to grow a whole town."),
    tags=("imaginative-play", "rainy-day", "collectible"), weight=12,
)  # fmt: skip
CLASSIC_BRICKS = _Kind(
    nouns=("Creative Brick Box", "Brick Bucket", "Baseplate Set", "Bricks & Wheels",
           "Windows & Doors Pack", "Brick Tub"),
    adjectives=("Large", "Medium", "Rainbow", "Starter", "Deluxe", "900-Piece", "500-Piece"),
    brands=("LEGO", "Brickwell"), ages=(48, None), prices=(9, 79), materials=_PLASTIC,
    features=("Classic bricks for open-ended building.",
              "A sturdy storage box keeps every piece together."),
    tags=("creativity", "rainy-day", "screen-free"), weight=8,
)  # fmt: skip
BIG_BRICKS = _Kind(
    nouns=("Big Brick Box", "Number Train", "First Farm", "Animal Bricks", "Stacking Bricks"),
    adjectives=("Chunky", "Soft", "Bright", "My First", "Jumbo"),
    brands=("LEGO", "Brickwell", "Little Acorn"), ages=(18, 60), prices=(12, 69),
    materials=_PLASTIC,
    features=("Large bricks sized for little hands and impossible to swallow.",),
    tags=("for-toddlers", "fine-motor-skills", "early-learning"), weight=6,
)  # fmt: skip
MAGNETIC = _Kind(
    nouns=("Magnetic Tile Set", "Magnetic Building Set", "Magnetic Marble Run", "Magnetic Castle"),
    adjectives=("60-Piece", "100-Piece", "Clear Colour", "Glow", "Starter", "Mega"),
    brands=("Magnavo", "TinkerNest"), ages=(36, 120), prices=(19, 129),
    materials=("ABS plastic", "neodymium magnets"),
    features=("Strong magnets in every edge make tall towers easy.",),
    tags=("magnetic", "stem", "creativity"), palette=("Clear Colour", "Pastel", "Rainbow"),
)  # fmt: skip
WOODEN_BLOCKS = _Kind(
    nouns=("Stacking Blocks", "Castle Blocks", "Rainbow Arch", "Block Set", "Domino Run"),
    adjectives=("Natural", "Painted", "50-Piece", "100-Piece", "Montessori", "Nordic"),
    brands=("Woodland Toy Co.", "Sprout & Stone", "Maple Mouse"), ages=(12, 72), prices=(14, 89),
    materials=_WOOD, palette=_NATURAL,
    features=("Sanded smooth and finished with water-based paint.",),
    tags=("wooden", "montessori", "plastic-free", "eco-friendly"),
)  # fmt: skip
FASHION_DOLLS = _Kind(
    nouns=("Fashion Doll", "Doll & Wardrobe", "Doll Salon", "Doll Camper", "Doll Closet"),
    adjectives=("Pop Star", "Astronaut", "Beach Day", "Party", "Career", "Vet", "Explorer"),
    brands=("DollyDale", "Polar Bear Toys"), ages=(36, 120), prices=(9, 79),
    materials=("ABS plastic", "polyester"),
    features=("Comes with outfits and accessories to mix and match.",),
    tags=("imaginative-play", "collectible"), palette=("Pink", "Purple", "Teal", "Gold"),
)  # fmt: skip
BABY_DOLLS = _Kind(
    nouns=("Baby Doll", "Doll Pram", "Doll Nursery Set", "Doll High Chair"),
    adjectives=("Soft", "Sleepy", "Bath", "First", "Cuddly"),
    brands=("DollyDale", "Little Acorn", "Meadow & Co."), ages=(18, 72), prices=(12, 69),
    materials=("organic cotton", "recycled polyester", "vinyl"),
    features=("A soft body and washable clothes for everyday care play.",),
    tags=("imaginative-play", "washable", "for-toddlers"), palette=_PASTELS,
)  # fmt: skip
DOLLHOUSES = _Kind(
    nouns=("Dollhouse", "Furniture Set", "Treehouse", "Town House", "Kitchen Furniture"),
    adjectives=("Wooden", "Three-Storey", "Cottage", "Modern", "Victorian"),
    brands=("Woodland Toy Co.", "DollyDale", "Maple Mouse"), ages=(36, 120), prices=(19, 189),
    materials=_WOOD, palette=_NATURAL,
    features=("Opening doors, a working lift and plenty of room for furniture.",),
    tags=("wooden", "imaginative-play", "eco-friendly"), weight=8,
)  # fmt: skip
ACTION_FIGURES = _Kind(
    nouns=("Hero Figure", "Robot Figure", "Dinosaur Figure", "Knight Figure", "Figure Set"),
    adjectives=("Poseable", "Mega", "Galactic", "Jurassic", "Ninja", "Legendary"),
    brands=("Hero Forge", "Polar Bear Toys"), ages=(48, 144), prices=(7, 49),
    materials=("ABS plastic", "PVC-free vinyl"),
    features=("Over twenty points of articulation for dramatic poses.",),
    tags=("collectible", "imaginative-play"),
)  # fmt: skip
RATTLES = _Kind(
    nouns=("Rattle", "Teether", "Teething Ring", "Grasping Toy", "Teether Keychain"),
    adjectives=("Bunny", "Rainbow", "Wooden", "Silicone", "Cloud", "Fox", "Star"),
    brands=("Little Acorn", "Sprout & Stone", "Meadow & Co."), ages=(0, 18), prices=(5, 24),
    materials=("silicone", "beech wood", "organic cotton"), palette=_PASTELS,
    features=("Food-grade silicone soothes sore gums.",
              "A gentle rattle sound and easy-grip shape."),
    tags=("for-babies", "sensory", "plastic-free", "washable"), weight=8,
)  # fmt: skip
SOFT_TOYS = _Kind(
    nouns=("Teddy Bear", "Plush Bunny", "Sleepy Sloth", "Plush Elephant", "Comforter",
           "Plush Whale", "Lion Cuddly Toy"),
    adjectives=("Snuggly", "Small", "Large", "Organic", "Knitted", "Floppy"),
    brands=("Polar Bear Toys", "Meadow & Co.", "Little Acorn"), ages=(0, None), prices=(9, 49),
    materials=("organic cotton", "recycled polyester"), palette=_PASTELS,
    features=("Machine washable at 30 degrees.", "Soft enough for bedtime from day one."),
    tags=("washable", "for-babies", "eco-friendly"), weight=12,
)  # fmt: skip
STACKING = _Kind(
    nouns=("Stacking Rings", "Shape Sorter", "Nesting Cups", "Stacking Tower", "Sorting Box"),
    adjectives=("Rainbow", "Wooden", "Montessori", "Soft", "Pastel"),
    brands=("Little Acorn", "Sprout & Stone", "Woodland Toy Co."), ages=(6, 36), prices=(8, 34),
    materials=("FSC wood", "silicone", "recycled plastic"), palette=_PASTELS,
    features=("Teaches size, shape and colour through play.",),
    tags=("montessori", "early-learning", "fine-motor-skills", "for-toddlers"),
)  # fmt: skip
ACTIVITY_GYMS = _Kind(
    nouns=("Play Gym", "Activity Cube", "Play Mat", "Busy Board"),
    adjectives=("Musical", "Wooden", "Jungle", "Ocean", "Sensory"),
    brands=("Little Acorn", "Bright Owl"), ages=(0, 24), prices=(19, 99),
    materials=("FSC wood", "organic cotton", "recycled plastic"), palette=_PASTELS,
    features=("Hanging toys encourage reaching and tummy time.",),
    tags=("for-babies", "sensory", "musical"), batteries=("AAA",), battery_share=0.3, weight=6,
)  # fmt: skip
PUSH_PULL = _Kind(
    nouns=("Baby Walker", "Pull-Along Dog", "Push Wagon", "Pull-Along Snail", "Push Toy"),
    adjectives=("Wooden", "Classic", "Rainbow", "Activity"),
    brands=("Woodland Toy Co.", "Maple Mouse", "Bright Owl"), ages=(12, 48), prices=(14, 79),
    materials=_WOOD, palette=_NATURAL,
    features=("Steady wheels and a sturdy handle support first steps.",),
    tags=("gross-motor-skills", "for-toddlers", "wooden"), weight=6,
)  # fmt: skip
BALANCE_BIKES = _Kind(
    nouns=("Balance Bike", "Wooden Balance Bike", "Balance Bike with Brake"),
    adjectives=("Lightweight", "Adjustable", "Retro", "Trail", "City"),
    brands=("Wonderwheel", "Sandpiper Outdoor"), ages=(24, 72), prices=(49, 189),
    materials=("aluminium", "rubber", "FSC wood"), sizes=('10"', '12"', '14"'),
    features=("The saddle adjusts as your child grows.",
              "Air tyres roll smoothly over grass and gravel."),
    tags=("outdoor", "gross-motor-skills"), weight=8,
)  # fmt: skip
SCOOTERS = _Kind(
    nouns=("Scooter", "Three-Wheel Scooter", "Kick Scooter", "Folding Scooter"),
    adjectives=("Light-Up", "Mini", "Maxi", "Sport", "Foldable"),
    brands=("Wonderwheel", "Zoomtrax"), ages=(36, 144), prices=(29, 149),
    materials=("aluminium", "ABS plastic", "rubber"), sizes=("S", "M", "L"),
    features=("Lean-to-steer design builds balance and confidence.",),
    tags=("outdoor", "gross-motor-skills"),
)  # fmt: skip
GARDEN_GAMES = _Kind(
    nouns=("Croquet Set", "Ring Toss", "Kubb Game", "Giant Dominoes", "Bowling Set"),
    adjectives=("Family", "Wooden", "Garden", "Travel", "Giant"),
    brands=("Sandpiper Outdoor", "Woodland Toy Co."), ages=(48, None), prices=(14, 89),
    materials=("FSC wood", "cotton rope"), palette=_NATURAL,
    features=("Packs into a canvas bag for picnics and the beach.",),
    tags=("outdoor", "family-game", "wooden"),
)  # fmt: skip
SAND_WATER = _Kind(
    nouns=("Sand Bucket Set", "Water Table", "Sand Mill", "Water Pistol", "Beach Set"),
    adjectives=("Seaside", "Big", "Recycled", "Splash", "Octopus"),
    brands=("Sandpiper Outdoor", "Pebble & Moss"), ages=(18, 96), prices=(6, 79),
    materials=("recycled plastic",),
    features=("Made from recycled plastic and built to survive the beach.",),
    tags=("outdoor", "eco-friendly", "for-toddlers"),
)  # fmt: skip
SWINGS = _Kind(
    nouns=("Swing Seat", "Slide", "Climbing Dome", "Nest Swing", "Trapeze Bar"),
    adjectives=("Garden", "Wave", "Toddler", "Rainbow", "Adventure"),
    brands=("Sandpiper Outdoor",), ages=(24, 96), prices=(39, 299),
    materials=("metal", "rope", "recycled plastic"),
    features=("Weather-resistant and tested to carry up to 60 kg.",),
    tags=("outdoor", "gross-motor-skills"), weight=5,
)  # fmt: skip
PUZZLES_1000 = _Kind(
    nouns=("Jigsaw Puzzle 1000 Pieces", "Jigsaw Puzzle 1500 Pieces", "Panorama Puzzle 2000 Pieces",
           "Jigsaw Puzzle 3000 Pieces"),
    adjectives=("Alpine Lake", "Venice Canals", "Night Sky", "Vintage Map", "Autumn Forest",
                "Lighthouse", "Coral Reef", "Tokyo Streets", "Botanical Garden", "Library"),
    brands=("Puzzlewright",), ages=(144, None), prices=(14, 39), materials=("cardboard",),
    palette=("Standard",),
    features=("Thick recycled board with a linen finish and no glare.",
              "A poster of the motif is included in the box."),
    tags=("rainy-day", "screen-free", "solo-play"), weight=12,
)  # fmt: skip
KIDS_PUZZLES = _Kind(
    nouns=("Jigsaw Puzzle 48 Pieces", "Jigsaw Puzzle 100 Pieces", "Floor Puzzle", "Puzzle Box"),
    adjectives=("Dinosaur", "Space", "Farm", "Ocean", "Fairy Tale", "World Map"),
    brands=("Puzzlewright", "Bright Owl"), ages=(36, 120), prices=(7, 24),
    materials=("cardboard",), palette=("Standard",),
    features=("Extra-thick pieces that little hands can fit together.",),
    tags=("rainy-day", "early-learning", "screen-free"),
)  # fmt: skip
BOARD_GAMES = _Kind(
    nouns=("Board Game", "Strategy Game", "Cooperative Game", "Memory Game", "Dice Game"),
    adjectives=("Treasure Island", "Dragon Quest", "Rainforest Rescue", "Space Race",
                "Castle Siege", "Mystery Manor", "Harvest Time", "Pirate Cove"),
    brands=("Puzzlewright", "Orbit Kids", "Bright Owl"), ages=(60, None), prices=(14, 59),
    materials=("cardboard", "FSC wood"), palette=("Standard",),
    features=("Plays in about thirty minutes with two to six players.",
              "Simple rules for children, real choices for grown-ups."),
    tags=("family-game", "rainy-day", "screen-free", "cooperative-play"), weight=12,
)  # fmt: skip
CARD_GAMES = _Kind(
    nouns=("Card Game", "Quartet Cards", "Snap Cards", "Trivia Cards"),
    adjectives=("Animal", "Speedy", "Monster", "Family", "Pocket"),
    brands=("Puzzlewright", "Orbit Kids"), ages=(60, None), prices=(5, 19),
    materials=("cardboard",), palette=("Standard",),
    features=("Fits in a pocket for trains, planes and waiting rooms.",),
    tags=("travel-friendly", "family-game", "party-favour"), weight=6,
)  # fmt: skip
DRAWING = _Kind(
    nouns=("Crayon Set", "Colouring Book", "Marker Set", "Easel", "Chalk Set", "Paint Box"),
    adjectives=("Washable", "Beeswax", "Jumbo", "Neon", "Watercolour", "Double-Sided"),
    brands=("Crayonia", "Meadow & Co."), ages=(36, 144), prices=(5, 69),
    materials=("beeswax", "FSC wood", "recycled paper"),
    features=("Non-toxic colours that wash out of clothes.",),
    tags=("creativity", "rainy-day", "washable"),
)  # fmt: skip
CLAY = _Kind(
    nouns=("Modelling Clay Set", "Play Dough Tubs", "Air-Dry Clay Kit", "Dough Bakery"),
    adjectives=("Rainbow", "Natural", "Glitter", "Mega", "Ocean"),
    brands=("Clayworks Junior", "Crayonia"), ages=(36, 120), prices=(6, 34),
    materials=("wheat-free dough", "recycled plastic"),
    features=("Soft, non-toxic and stays fresh in resealable tubs.",),
    tags=("creativity", "sensory", "fine-motor-skills"), weight=6,
)  # fmt: skip
CRAFT_KITS = _Kind(
    nouns=("Bead Kit", "Friendship Bracelet Kit", "Knitting Kit", "Sewing Kit", "Slime Kit",
           "Weaving Loom", "Candle Making Kit"),
    adjectives=("Deluxe", "Rainbow", "Starter", "Galaxy", "Boho"),
    brands=("Crayonia", "TinkerNest", "Meadow & Co."), ages=(72, 168), prices=(9, 44),
    materials=("cotton", "FSC wood", "glass beads"),
    features=("Everything needed for a first project, with step-by-step instructions.",),
    tags=("creativity", "rainy-day", "party-favour"),
)  # fmt: skip
RC_CARS = _Kind(
    nouns=("RC Monster Truck", "RC Drift Car", "RC Rock Crawler", "RC Stunt Car",
           "RC Race Buggy", "RC Amphibious Truck"),
    adjectives=("High-Speed", "All-Terrain", "1:16", "1:24", "Turbo", "Waterproof"),
    brands=("Zoomtrax", "Orbit Kids"), ages=(72, None), prices=(24, 149),
    materials=("ABS plastic", "rubber", "metal"),
    features=("Reaches 25 km/h with a 2.4 GHz remote for racing side by side.",
              "Rubber tyres and sprung suspension tackle grass and gravel."),
    tags=("outdoor", "rechargeable"), batteries=("rechargeable Li-ion", "AA"), weight=12,
)  # fmt: skip
DRONES = _Kind(
    nouns=("Mini Drone", "Camera Drone", "Stunt Drone", "Foldable Drone"),
    adjectives=("Beginner", "Hover", "Pocket", "Flip", "Sky"),
    brands=("Zoomtrax", "Bolt Robotics"), ages=(120, None), prices=(29, 149),
    materials=("ABS plastic", "carbon fibre"), palette=("Black", "White", "Red"),
    features=("Altitude hold and one-key landing make first flights easy.",),
    tags=("outdoor", "rechargeable", "teen-approved"), batteries=("rechargeable Li-ion",),
    weight=6,
)  # fmt: skip
WOODEN_RAILWAY = _Kind(
    nouns=("Railway Starter Set", "Train Set", "Railway Bridge", "Engine Shed", "Track Pack"),
    adjectives=("Wooden", "Figure-of-Eight", "Mountain", "Harbour", "Farm"),
    brands=("Woodland Toy Co.", "Maple Mouse"), ages=(36, 96), prices=(12, 119),
    materials=_WOOD, palette=_NATURAL,
    features=("Compatible with every major wooden track system.",),
    tags=("wooden", "imaginative-play", "eco-friendly"), weight=8,
)  # fmt: skip
ELECTRIC_TRAINS = _Kind(
    nouns=("Electric Train Set", "Battery Locomotive", "Steam Train Set", "Freight Train"),
    adjectives=("Express", "Classic", "Light & Sound", "Mountain"),
    brands=("Zoomtrax", "Polar Bear Toys"), ages=(72, None), prices=(29, 199),
    materials=("ABS plastic", "metal"),
    features=("Real headlights and a whistle at the push of a button.",),
    tags=("collectible",), batteries=("AA", "C"), weight=6,
)  # fmt: skip
DIECAST = _Kind(
    nouns=("Die-Cast Car", "Die-Cast Fire Engine", "Car Transporter", "Vintage Roadster"),
    adjectives=("1:43", "1:64", "Classic", "Rally", "Police"),
    brands=("Zoomtrax", "Hero Forge"), ages=(36, None), prices=(4, 39),
    materials=("metal", "ABS plastic"),
    features=("Die-cast metal body with opening doors.",),
    tags=("collectible", "party-favour"), weight=6,
)  # fmt: skip
CODING_ROBOTS = _Kind(
    nouns=("Coding Robot", "Robot Kit", "Line-Following Robot", "Coding Caterpillar",
           "Programmable Rover"),
    adjectives=("Smart", "Screen-Free", "Bluetooth", "Build-Your-Own", "Junior"),
    brands=("Bolt Robotics", "Kiddo Lab"), ages=(72, 168), prices=(39, 199),
    materials=("ABS plastic", "electronics"), palette=("White", "Blue", "Orange"),
    features=("Program it with cards, blocks or Python as skills grow.",),
    tags=("stem", "educational", "rechargeable"),
    batteries=("rechargeable Li-ion", "AAA"), weight=8,
)  # fmt: skip
SCIENCE_KITS = _Kind(
    nouns=("Chemistry Set", "Crystal Growing Kit", "Volcano Kit", "Slime Lab", "Fossil Dig Kit",
           "Weather Station"),
    adjectives=("Junior", "Mega", "Glow-in-the-Dark", "Kitchen", "Explorer"),
    brands=("Kiddo Lab", "Stargazer Science"), ages=(96, 168), prices=(12, 59),
    materials=("cardboard", "recycled plastic", "glass"), palette=("Standard",),
    features=("Twenty experiments explained in a full-colour booklet.",),
    tags=("stem", "educational", "rainy-day"),
)  # fmt: skip
ELECTRONICS_KITS = _Kind(
    nouns=("Circuit Kit", "Snap Circuits Set", "Solar Robot Kit", "Radio Kit"),
    adjectives=("Starter", "Advanced", "Solar", "Musical"),
    brands=("Kiddo Lab", "Bolt Robotics", "TinkerNest"), ages=(96, None), prices=(24, 99),
    materials=("ABS plastic", "electronics"), palette=("Standard",),
    features=("Snap-together parts, no soldering required.",),
    tags=("stem", "educational"), batteries=("AA", "9V"), weight=6,
)  # fmt: skip
OPTICS = _Kind(
    nouns=("Microscope", "Telescope", "Binoculars", "Magnifier Set"),
    adjectives=("Junior", "LED", "Explorer", "Pocket", "Night Sky"),
    brands=("Stargazer Science", "Kiddo Lab"), ages=(96, None), prices=(14, 149),
    materials=("metal", "glass", "ABS plastic"),
    features=("Real glass optics with up to 400x magnification.",),
    tags=("stem", "educational", "outdoor"), batteries=("AA",), battery_share=0.5, weight=6,
)  # fmt: skip
PLAY_KITCHENS = _Kind(
    nouns=("Play Kitchen", "Toy Food Set", "Tea Set", "Cafe Counter", "Market Stall"),
    adjectives=("Wooden", "Corner", "Retro", "Mini", "Deluxe"),
    brands=("Tiny Chef", "Woodland Toy Co."), ages=(36, 96), prices=(12, 199),
    materials=_WOOD, palette=_NATURAL,
    features=("Clicking hob knobs and a ticking oven timer.",),
    tags=("imaginative-play", "wooden", "cooperative-play"), weight=8,
)  # fmt: skip
DRESS_UP = _Kind(
    nouns=("Knight Costume", "Astronaut Costume", "Princess Dress", "Dinosaur Costume",
           "Firefighter Costume", "Pirate Costume"),
    adjectives=("Deluxe", "Reversible", "Glow", "Classic"),
    brands=("Meadow & Co.", "Polar Bear Toys"), ages=(36, 120), prices=(14, 49),
    materials=("recycled polyester", "organic cotton"), sizes=_KID_SIZES,
    features=("Machine washable and easy to put on without help.",),
    tags=("imaginative-play", "washable", "party-favour"),
)  # fmt: skip

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
_GUARANTEED = {"technic": 5}
_NAME_SUFFIXES = ("Mini", "XL", "Deluxe", "Classic", "Junior", "Pro", "Gift Set", "Mk II")
_SENTENCE_OPENERS = ("A", "This", "Our")


@dataclass
class _Leaf:
    category_id: int
    parent_id: int | None
    name: str
    kind: _Kind


@dataclass
class _Spec:
    """One product and its children, before ids exist."""

    number: int
    product: dict[str, Any]
    variants: list[dict[str, Any]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    certifications: list[tuple[CertificationScheme, str]] = field(default_factory=list)
    tag_slugs: list[str] = field(default_factory=list)


async def store_is_empty() -> bool:
    """True when the catalog has no products yet."""
    return not await Product.exists()


async def seed_demo_store(
    *, products: int = 600, seed: int = 7, progress: bool = False
) -> dict[str, int]:
    """Build the deterministic demo toy store; the same seed always gives the same store."""
    rng = random.Random(seed)
    async with in_transaction():
        leaves, category_count = await _create_categories()
        brand_ids = await _create_brands()
        tag_ids = await _create_tags()
        specs = _build_specs(rng, leaves, products)
        counts = await _insert_specs(specs, brand_ids, tag_ids, progress=progress)
        await refresh_products()
    return {
        "categories": category_count,
        "brands": len(brand_ids),
        "tags": len(tag_ids),
        "products": len(specs),
        **counts,
    }


async def _create_categories() -> tuple[list[_Leaf], int]:
    # Forty-odd rows: created one by one because each path needs its own new id.
    leaves: list[_Leaf] = []
    used: set[str] = set()
    count = 0

    async def create(node: _Node, parent: Category | None, trail: list[str], pos: int) -> None:
        nonlocal count
        slug = node.slug or slugify(node.name)
        if slug in used:
            slug = slugify(" ".join([*trail, node.name]))
        used.add(slug)
        category = await Category.create(
            slug=slug,
            name=node.name,
            description=_category_description(node),
            parent=parent,
            path="",
            depth=len(trail),
            position=pos,
        )
        category.path = f"{parent.path if parent else '/'}{category.id}/"
        await category.save(update_fields=["path"])
        count += 1
        if node.kind is not None:
            leaves.append(_Leaf(category.id, parent.id if parent else None, node.name, node.kind))
        for index, child in enumerate(node.children):
            await create(child, category, [*trail, node.name], index)

    for position, root in enumerate(TREE):
        await create(root, None, [], position)
    return leaves, count


def _category_description(node: _Node) -> str:
    if node.children:
        names = ", ".join(child.name.lower() for child in node.children[:3])
        return f"{node.name}: {names} and more."
    return f"Hand-picked {node.name.lower()} for curious kids."


async def _create_brands() -> dict[str, int]:
    await Brand.bulk_create([Brand(slug=slugify(name), name=name) for name in BRANDS])
    rows = await Brand.filter(slug__in=[slugify(name) for name in BRANDS]).values_list("slug", "id")
    return {slug: brand_id for slug, brand_id in rows}


async def _create_tags() -> dict[str, int]:
    await Tag.bulk_create([Tag(slug=slug, name=_tag_name(slug)) for slug in TAGS])
    rows = await Tag.filter(slug__in=TAGS).values_list("slug", "id")
    return {slug: tag_id for slug, tag_id in rows}


def _tag_name(slug: str) -> str:
    return _TAG_NAMES.get(slug) or slug.replace("-", " ").capitalize()


def _build_specs(rng: random.Random, leaves: list[_Leaf], total: int) -> list[_Spec]:
    plan = _plan_leaves(rng, leaves, total)
    used_slugs: set[str] = set()
    guaranteed: dict[int, int] = {}
    specs = []
    for leaf in plan:
        spec = _product_spec(rng, leaf, used_slugs)
        slug = slugify(leaf.name)
        if guaranteed.get(leaf.category_id, 0) < _GUARANTEED.get(slug, 0):
            guaranteed[leaf.category_id] = guaranteed.get(leaf.category_id, 0) + 1
            spec.product["status"] = ProductStatus.ACTIVE
            spec.product["category_id"] = leaf.category_id
        specs.append(spec)
    _mark_bestsellers(specs)
    if total >= 20 and not any(s.product["status"] == ProductStatus.DRAFT for s in specs):
        specs[rng.randrange(len(specs))].product["status"] = ProductStatus.DRAFT
    # Ids then follow creation time, as they would in a shop that grew over two years.
    specs.sort(key=lambda spec: (spec.product["created_at"], spec.product["slug"]))
    for number, spec in enumerate(specs, start=1):
        spec.number = number
        for position, variant in enumerate(spec.variants, start=1):
            variant["sku"] = f"SG-{number:06d}-{position:02d}"
    return specs


def _plan_leaves(rng: random.Random, leaves: list[_Leaf], total: int) -> list[_Leaf]:
    # Every leaf gets one product first, so that small stores still fill the whole tree.
    plan: list[_Leaf] = []
    for leaf in leaves:
        wanted = 1 + _GUARANTEED.get(slugify(leaf.name), 0)
        plan.extend([leaf] * wanted)
    plan = plan[:total]
    weights = [leaf.kind.weight for leaf in leaves]
    plan.extend(rng.choices(leaves, weights=weights, k=total - len(plan)))
    rng.shuffle(plan)
    return plan


def _product_spec(rng: random.Random, leaf: _Leaf, used_slugs: set[str]) -> _Spec:
    kind = leaf.kind
    brand = rng.choice(kind.brands)
    name, thing = _unique_name(rng, kind, brand, used_slugs)
    slug = slugify(name)
    used_slugs.add(slug)
    min_age, max_age = _age_range(rng, kind)
    created_at = REFERENCE_DATE - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
    status = rng.choices(
        (ProductStatus.ACTIVE, ProductStatus.DRAFT, ProductStatus.ARCHIVED), (92, 5, 3)
    )[0]
    battery_type = None
    if kind.batteries and rng.random() < kind.battery_share:
        battery_type = rng.choice(kind.batteries)
    materials = rng.sample(kind.materials, k=rng.randint(1, min(2, len(kind.materials))))
    # A few products sit on the parent category, as shops file generic items one level up.
    category_id = leaf.category_id
    if leaf.parent_id is not None and rng.random() < 0.04:
        category_id = leaf.parent_id
    age_days = (REFERENCE_DATE - created_at).days
    sales = 0 if status == ProductStatus.DRAFT else _sales(rng, age_days)
    rating_count = int(sales * rng.uniform(0.03, 0.18))
    rating = None
    if rating_count:
        spread = 1.2 if rating_count < 5 else 0.45
        rating = Decimal(str(round(min(5.0, max(1.0, rng.gauss(4.3, spread))), 2)))
    spec = _Spec(
        number=0,
        product={
            "slug": slug,
            "name": name,
            "description": _description(
                rng, kind, brand, thing, materials, _age_label(min_age, max_age)
            ),
            "status": status,
            "brand": brand,
            "category_id": category_id,
            "min_age_months": min_age,
            "max_age_months": max_age,
            "materials": materials,
            "battery_required": battery_type is not None,
            "battery_type": battery_type,
            "batteries_included": battery_type is not None
            and (battery_type.startswith("rechargeable") or rng.random() < 0.4),
            "sales_count": sales,
            "rating_average": rating,
            "rating_count": rating_count,
            "created_at": created_at,
        },
    )
    spec.variants = _variants(rng, kind, created_at)
    spec.images = [
        (f"{IMAGE_BASE}/{slug}-{n}.jpg", alt)
        for n, alt in enumerate(
            [name, f"{name}, detail", f"{name} in its box"][: rng.choice((1, 2, 2, 3))], start=1
        )
    ]
    spec.certifications = _certifications(rng, battery_type is not None, created_at)
    pool = sorted(set(kind.tags) | set(_GENERAL_TAGS) | set(_age_tags(min_age, max_age)))
    if battery_type is None:
        pool.append("battery-free")
    spec.tag_slugs = rng.sample(
        pool, k=min(len(pool), rng.choices((0, 1, 2, 3, 4), (10, 25, 30, 25, 10))[0])
    )
    return spec


def _unique_name(rng: random.Random, kind: _Kind, brand: str, used: set[str]) -> tuple[str, str]:
    """A product name not taken yet, and the plain thing it names ("Yellow Excavator")."""
    prefix = kind.line.format(brand=brand) if kind.line else ""
    if not prefix and rng.random() < 0.45:
        prefix = brand
    # A fresh draw reads better than a suffix, so suffixes only start after a few tries.
    for _ in range(3):
        noun = rng.choice(kind.nouns)
        adjective = rng.choice(kind.adjectives) if rng.random() < 0.7 else ""
        thing = " ".join(part for part in (adjective, noun) if part)
        name = " ".join(part for part in (prefix, thing) if part)
        if slugify(name) not in used:
            return name, thing
    for suffix in _NAME_SUFFIXES:
        candidate = f"{name} {suffix}"
        if slugify(candidate) not in used:
            return candidate, thing
    number = 2
    while slugify(f"{name} No. {number}") in used:
        number += 1
    return f"{name} No. {number}", thing


def _age_range(rng: random.Random, kind: _Kind) -> tuple[int, int | None]:
    low, high = kind.ages
    top = high if high is not None else low + 96
    step = 6 if top <= 48 else 12
    min_age = min(low + step * rng.choice((0, 0, 0, 1, 2)), max(low, top - step))
    if high is None or (low >= 36 and rng.random() < 0.1):
        # Open-ended: many toys for older children say "from 3 years" with no upper bound.
        return min_age, None
    return min_age, max(min_age + step, high - step * rng.choice((0, 0, 1)))


def _age_tags(min_age: int, max_age: int | None) -> list[str]:
    tags = []
    if max_age is not None and max_age <= 24:
        tags.append("for-babies")
    if min_age <= 36 and (max_age is None or max_age >= 12):
        tags.append("for-toddlers")
    if min_age >= 144:
        tags.append("teen-approved")
    return tags


def _sales(rng: random.Random, age_days: int) -> int:
    # Pareto-shaped: most toys sell a handful, a few bestsellers sell thousands.
    base = (rng.paretovariate(1.2) - 1.0) * 40
    return min(25_000, int(base * (0.2 + 0.8 * age_days / HISTORY_DAYS)))


def _mark_bestsellers(specs: list[_Spec]) -> None:
    ranked = sorted(specs, key=lambda s: (-s.product["sales_count"], s.product["slug"]))
    for spec in ranked[: max(1, len(specs) // 30)]:
        if "bestseller" not in spec.tag_slugs:
            spec.tag_slugs = ["bestseller", *spec.tag_slugs[:3]]


def _description(
    rng: random.Random, kind: _Kind, brand: str, thing: str, materials: list[str], ages: str
) -> str:
    made_of = " and ".join(materials)
    sentences = [
        rng.choice(
            (
                f"The {thing} from {brand} is made of {made_of}.",
                f"Made of {made_of}, this {thing} is built for years of play.",
                f"{brand} makes this {thing} from {made_of}.",
            )
        )
    ]
    if rng.random() < 0.8:
        sentences.append(rng.choice(kind.features))
    if rng.random() < 0.5:
        sentences.append(f"Recommended for {ages}.")
    return " ".join(sentences)


def _age_label(min_age: int, max_age: int | None) -> str:
    def unit(months: int) -> str:
        return f"{months // 12} years" if months >= 24 and months % 12 == 0 else f"{months} months"

    if max_age is None:
        return f"ages {unit(min_age)} and up"
    return f"ages {unit(min_age)} to {unit(max_age)}"


def _price(rng: random.Random, low: int, high: int) -> int:
    # Skewed towards the cheap end, as toy ranges are.
    return low + int((high - low) * rng.random() ** 1.8)


def _variants(rng: random.Random, kind: _Kind, created_at: datetime) -> list[dict[str, Any]]:
    count = rng.choices((1, 2, 3, 4), (45, 27, 17, 11))[0]
    euros = _price(rng, *kind.prices)
    options: list[dict[str, str]]
    prices: list[int]
    if kind.sizes:
        start = rng.randrange(max(1, len(kind.sizes) - count + 1))
        sizes = kind.sizes[start : start + count]
        colour = rng.choice(kind.palette)
        step = max(2, euros // 8)
        options = [{"size": size, "colour": colour} for size in sizes]
        prices = [euros + step * index for index in range(len(sizes))]
    else:
        colours = rng.sample(kind.palette, k=min(count, len(kind.palette)))
        options = [{"colour": colour} for colour in colours]
        prices = [euros] * len(colours)
    on_sale = rng.random() < 0.2
    variants = []
    for option, price in zip(options, prices, strict=True):
        compare_at = None
        if on_sale:
            compare_at = Decimal(f"{max(price + 1, int(price * rng.uniform(1.15, 1.45)))}.99")
        roll = rng.random()
        stock = 0 if roll < 0.08 else rng.randint(1, 4) if roll < 0.15 else rng.randint(5, 200)
        variants.append(
            {
                "name": " / ".join(option.values()),
                "options": option,
                "price": Decimal(f"{price}.99"),
                "compare_at_price": compare_at,
                "stock": stock,
                "created_at": created_at,
            }
        )
    return variants


def _certifications(
    rng: random.Random, electronic: bool, created_at: datetime
) -> list[tuple[CertificationScheme, str]]:
    count = rng.choices((0, 1, 2, 3), (20, 40, 30, 10))[0]
    rest = [CertificationScheme.ASTM_F963, CertificationScheme.CCC]
    rest.append(CertificationScheme.EN71 if electronic else CertificationScheme.CE)
    rng.shuffle(rest)
    # EN71 is the EU toy standard; anything with batteries also needs CE.
    first = CertificationScheme.CE if electronic else CertificationScheme.EN71
    year = created_at.year - rng.choice((0, 0, 1))
    result = []
    for scheme in [first, *rest][:count]:
        if scheme is CertificationScheme.EN71:
            number = f"EN71-{year}-{rng.randint(100000, 999999)}"
        elif scheme is CertificationScheme.ASTM_F963:
            number = f"ASTM-F963-{year % 100:02d}-{rng.randint(10000, 99999)}"
        elif scheme is CertificationScheme.CCC:
            number = f"{year}{rng.randint(1, 16):02d}{rng.randint(10**9, 10**10 - 1)}"
        else:
            number = f"CE-TOY-{year}-{rng.randint(1000, 99999):05d}"
        result.append((scheme, number))
    return result


async def _insert_specs(
    specs: list[_Spec], brand_ids: dict[str, int], tag_ids: dict[str, int], *, progress: bool
) -> dict[str, int]:
    conn = get_connection("default")
    placeholder = "$1, $2" if conn.capabilities.dialect == "postgres" else "?, ?"
    through_sql = f"INSERT INTO product_tag (product_id, tag_id) VALUES ({placeholder})"
    counts = {"variants": 0, "images": 0, "certifications": 0, "product_tags": 0}
    with tqdm(total=len(specs), unit="product", desc="seeding", disable=not progress) as bar:
        for start in range(0, len(specs), BATCH_SIZE):
            batch = specs[start : start + BATCH_SIZE]
            await Product.bulk_create(
                [
                    Product(
                        **{k: v for k, v in s.product.items() if k != "brand"},
                        brand_id=brand_ids[slugify(s.product["brand"])],
                    )
                    for s in batch
                ],
                batch_size=BATCH_SIZE,
            )
            ids = dict(
                await Product.filter(slug__in=[s.product["slug"] for s in batch]).values_list(
                    "slug", "id"
                )
            )
            variants: list[Variant] = []
            images: list[ProductImage] = []
            certificates: list[Certification] = []
            links: list[list[int]] = []
            for spec in batch:
                product_id = ids[spec.product["slug"]]
                for position, variant in enumerate(spec.variants):
                    variants.append(Variant(product_id=product_id, position=position, **variant))
                for position, (url, alt) in enumerate(spec.images):
                    images.append(
                        ProductImage(
                            product_id=product_id, url=url, alt_text=alt, position=position
                        )
                    )
                for scheme, number in spec.certifications:
                    certificates.append(
                        Certification(
                            product_id=product_id, scheme=scheme, certificate_number=number
                        )
                    )
                links.extend([product_id, tag_ids[slug]] for slug in spec.tag_slugs)
            await Variant.bulk_create(variants, batch_size=BATCH_SIZE)
            await ProductImage.bulk_create(images, batch_size=BATCH_SIZE)
            await Certification.bulk_create(certificates, batch_size=BATCH_SIZE)
            if links:
                await conn.execute_many(through_sql, links)
            counts["variants"] += len(variants)
            counts["images"] += len(images)
            counts["certifications"] += len(certificates)
            counts["product_tags"] += len(links)
            bar.update(len(batch))
    return counts
