"""The demo store's product kinds: what the products of each leaf category look like."""

from __future__ import annotations

from dataclasses import dataclass

_COLOURS = ("Red", "Blue", "Green", "Yellow", "Orange", "Purple", "Pink", "Teal", "Black")
_PASTELS = ("Sage", "Sand", "Dusty Pink", "Mint", "Oat", "Sky Blue", "Lavender", "Cream")
_NATURAL = ("Natural", "Rainbow", "Pastel", "Walnut", "White")
_KID_SIZES = ("2-3Y", "3-4Y", "4-5Y", "5-6Y", "7-8Y", "9-10Y")


@dataclass(frozen=True)
class Kind:
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


_PLASTIC = ("ABS plastic", "recycled plastic")
_WOOD = ("FSC wood", "beech wood", "water-based paint")

TECHNIC = Kind(
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
CITY = Kind(
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
CLASSIC_BRICKS = Kind(
    nouns=("Creative Brick Box", "Brick Bucket", "Baseplate Set", "Bricks & Wheels",
           "Windows & Doors Pack", "Brick Tub"),
    adjectives=("Large", "Medium", "Rainbow", "Starter", "Deluxe", "900-Piece", "500-Piece"),
    brands=("LEGO", "Brickwell"), ages=(48, None), prices=(9, 79), materials=_PLASTIC,
    features=("Classic bricks for open-ended building.",
              "A sturdy storage box keeps every piece together."),
    tags=("creativity", "rainy-day", "screen-free"), weight=8,
)  # fmt: skip
BIG_BRICKS = Kind(
    nouns=("Big Brick Box", "Number Train", "First Farm", "Animal Bricks", "Stacking Bricks"),
    adjectives=("Chunky", "Soft", "Bright", "My First", "Jumbo"),
    brands=("LEGO", "Brickwell", "Little Acorn"), ages=(18, 60), prices=(12, 69),
    materials=_PLASTIC,
    features=("Large bricks sized for little hands and impossible to swallow.",),
    tags=("for-toddlers", "fine-motor-skills", "early-learning"), weight=6,
)  # fmt: skip
MAGNETIC = Kind(
    nouns=("Magnetic Tile Set", "Magnetic Building Set", "Magnetic Marble Run", "Magnetic Castle"),
    adjectives=("60-Piece", "100-Piece", "Clear Colour", "Glow", "Starter", "Mega"),
    brands=("Magnavo", "TinkerNest"), ages=(36, 120), prices=(19, 129),
    materials=("ABS plastic", "neodymium magnets"),
    features=("Strong magnets in every edge make tall towers easy.",),
    tags=("magnetic", "stem", "creativity"), palette=("Clear Colour", "Pastel", "Rainbow"),
)  # fmt: skip
WOODEN_BLOCKS = Kind(
    nouns=("Stacking Blocks", "Castle Blocks", "Rainbow Arch", "Block Set", "Domino Run"),
    adjectives=("Natural", "Painted", "50-Piece", "100-Piece", "Montessori", "Nordic"),
    brands=("Woodland Toy Co.", "Sprout & Stone", "Maple Mouse"), ages=(12, 72), prices=(14, 89),
    materials=_WOOD, palette=_NATURAL,
    features=("Sanded smooth and finished with water-based paint.",),
    tags=("wooden", "montessori", "plastic-free", "eco-friendly"),
)  # fmt: skip
FASHION_DOLLS = Kind(
    nouns=("Fashion Doll", "Doll & Wardrobe", "Doll Salon", "Doll Camper", "Doll Closet"),
    adjectives=("Pop Star", "Astronaut", "Beach Day", "Party", "Career", "Vet", "Explorer"),
    brands=("DollyDale", "Polar Bear Toys"), ages=(36, 120), prices=(9, 79),
    materials=("ABS plastic", "polyester"),
    features=("Comes with outfits and accessories to mix and match.",),
    tags=("imaginative-play", "collectible"), palette=("Pink", "Purple", "Teal", "Gold"),
)  # fmt: skip
BABY_DOLLS = Kind(
    nouns=("Baby Doll", "Doll Pram", "Doll Nursery Set", "Doll High Chair"),
    adjectives=("Soft", "Sleepy", "Bath", "First", "Cuddly"),
    brands=("DollyDale", "Little Acorn", "Meadow & Co."), ages=(18, 72), prices=(12, 69),
    materials=("organic cotton", "recycled polyester", "vinyl"),
    features=("A soft body and washable clothes for everyday care play.",),
    tags=("imaginative-play", "washable", "for-toddlers"), palette=_PASTELS,
)  # fmt: skip
DOLLHOUSES = Kind(
    nouns=("Dollhouse", "Furniture Set", "Treehouse", "Town House", "Kitchen Furniture"),
    adjectives=("Wooden", "Three-Storey", "Cottage", "Modern", "Victorian"),
    brands=("Woodland Toy Co.", "DollyDale", "Maple Mouse"), ages=(36, 120), prices=(19, 189),
    materials=_WOOD, palette=_NATURAL,
    features=("Opening doors, a working lift and plenty of room for furniture.",),
    tags=("wooden", "imaginative-play", "eco-friendly"), weight=8,
)  # fmt: skip
ACTION_FIGURES = Kind(
    nouns=("Hero Figure", "Robot Figure", "Dinosaur Figure", "Knight Figure", "Figure Set"),
    adjectives=("Poseable", "Mega", "Galactic", "Jurassic", "Ninja", "Legendary"),
    brands=("Hero Forge", "Polar Bear Toys"), ages=(48, 144), prices=(7, 49),
    materials=("ABS plastic", "PVC-free vinyl"),
    features=("Over twenty points of articulation for dramatic poses.",),
    tags=("collectible", "imaginative-play"),
)  # fmt: skip
RATTLES = Kind(
    nouns=("Rattle", "Teether", "Teething Ring", "Grasping Toy", "Teether Keychain"),
    adjectives=("Bunny", "Rainbow", "Wooden", "Silicone", "Cloud", "Fox", "Star"),
    brands=("Little Acorn", "Sprout & Stone", "Meadow & Co."), ages=(0, 18), prices=(5, 24),
    materials=("silicone", "beech wood", "organic cotton"), palette=_PASTELS,
    features=("Food-grade silicone soothes sore gums.",
              "A gentle rattle sound and easy-grip shape."),
    tags=("for-babies", "sensory", "plastic-free", "washable"), weight=8,
)  # fmt: skip
SOFT_TOYS = Kind(
    nouns=("Teddy Bear", "Plush Bunny", "Sleepy Sloth", "Plush Elephant", "Comforter",
           "Plush Whale", "Lion Cuddly Toy"),
    adjectives=("Snuggly", "Small", "Large", "Organic", "Knitted", "Floppy"),
    brands=("Polar Bear Toys", "Meadow & Co.", "Little Acorn"), ages=(0, None), prices=(9, 49),
    materials=("organic cotton", "recycled polyester"), palette=_PASTELS,
    features=("Machine washable at 30 degrees.", "Soft enough for bedtime from day one."),
    tags=("washable", "for-babies", "eco-friendly"), weight=12,
)  # fmt: skip
STACKING = Kind(
    nouns=("Stacking Rings", "Shape Sorter", "Nesting Cups", "Stacking Tower", "Sorting Box"),
    adjectives=("Rainbow", "Wooden", "Montessori", "Soft", "Pastel"),
    brands=("Little Acorn", "Sprout & Stone", "Woodland Toy Co."), ages=(6, 36), prices=(8, 34),
    materials=("FSC wood", "silicone", "recycled plastic"), palette=_PASTELS,
    features=("Teaches size, shape and colour through play.",),
    tags=("montessori", "early-learning", "fine-motor-skills", "for-toddlers"),
)  # fmt: skip
ACTIVITY_GYMS = Kind(
    nouns=("Play Gym", "Activity Cube", "Play Mat", "Busy Board"),
    adjectives=("Musical", "Wooden", "Jungle", "Ocean", "Sensory"),
    brands=("Little Acorn", "Bright Owl"), ages=(0, 24), prices=(19, 99),
    materials=("FSC wood", "organic cotton", "recycled plastic"), palette=_PASTELS,
    features=("Hanging toys encourage reaching and tummy time.",),
    tags=("for-babies", "sensory", "musical"), batteries=("AAA",), battery_share=0.3, weight=6,
)  # fmt: skip
PUSH_PULL = Kind(
    nouns=("Baby Walker", "Pull-Along Dog", "Push Wagon", "Pull-Along Snail", "Push Toy"),
    adjectives=("Wooden", "Classic", "Rainbow", "Activity"),
    brands=("Woodland Toy Co.", "Maple Mouse", "Bright Owl"), ages=(12, 48), prices=(14, 79),
    materials=_WOOD, palette=_NATURAL,
    features=("Steady wheels and a sturdy handle support first steps.",),
    tags=("gross-motor-skills", "for-toddlers", "wooden"), weight=6,
)  # fmt: skip
BALANCE_BIKES = Kind(
    nouns=("Balance Bike", "Wooden Balance Bike", "Balance Bike with Brake"),
    adjectives=("Lightweight", "Adjustable", "Retro", "Trail", "City"),
    brands=("Wonderwheel", "Sandpiper Outdoor"), ages=(24, 72), prices=(49, 189),
    materials=("aluminium", "rubber", "FSC wood"), sizes=('10"', '12"', '14"'),
    features=("The saddle adjusts as your child grows.",
              "Air tyres roll smoothly over grass and gravel."),
    tags=("outdoor", "gross-motor-skills"), weight=8,
)  # fmt: skip
SCOOTERS = Kind(
    nouns=("Scooter", "Three-Wheel Scooter", "Kick Scooter", "Folding Scooter"),
    adjectives=("Light-Up", "Mini", "Maxi", "Sport", "Foldable"),
    brands=("Wonderwheel", "Zoomtrax"), ages=(36, 144), prices=(29, 149),
    materials=("aluminium", "ABS plastic", "rubber"), sizes=("S", "M", "L"),
    features=("Lean-to-steer design builds balance and confidence.",),
    tags=("outdoor", "gross-motor-skills"),
)  # fmt: skip
GARDEN_GAMES = Kind(
    nouns=("Croquet Set", "Ring Toss", "Kubb Game", "Giant Dominoes", "Bowling Set"),
    adjectives=("Family", "Wooden", "Garden", "Travel", "Giant"),
    brands=("Sandpiper Outdoor", "Woodland Toy Co."), ages=(48, None), prices=(14, 89),
    materials=("FSC wood", "cotton rope"), palette=_NATURAL,
    features=("Packs into a canvas bag for picnics and the beach.",),
    tags=("outdoor", "family-game", "wooden"),
)  # fmt: skip
SAND_WATER = Kind(
    nouns=("Sand Bucket Set", "Water Table", "Sand Mill", "Water Pistol", "Beach Set"),
    adjectives=("Seaside", "Big", "Recycled", "Splash", "Octopus"),
    brands=("Sandpiper Outdoor", "Pebble & Moss"), ages=(18, 96), prices=(6, 79),
    materials=("recycled plastic",),
    features=("Made from recycled plastic and built to survive the beach.",),
    tags=("outdoor", "eco-friendly", "for-toddlers"),
)  # fmt: skip
SWINGS = Kind(
    nouns=("Swing Seat", "Slide", "Climbing Dome", "Nest Swing", "Trapeze Bar"),
    adjectives=("Garden", "Wave", "Toddler", "Rainbow", "Adventure"),
    brands=("Sandpiper Outdoor",), ages=(24, 96), prices=(39, 299),
    materials=("metal", "rope", "recycled plastic"),
    features=("Weather-resistant and tested to carry up to 60 kg.",),
    tags=("outdoor", "gross-motor-skills"), weight=5,
)  # fmt: skip
PUZZLES_1000 = Kind(
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
KIDS_PUZZLES = Kind(
    nouns=("Jigsaw Puzzle 48 Pieces", "Jigsaw Puzzle 100 Pieces", "Floor Puzzle", "Puzzle Box"),
    adjectives=("Dinosaur", "Space", "Farm", "Ocean", "Fairy Tale", "World Map"),
    brands=("Puzzlewright", "Bright Owl"), ages=(36, 120), prices=(7, 24),
    materials=("cardboard",), palette=("Standard",),
    features=("Extra-thick pieces that little hands can fit together.",),
    tags=("rainy-day", "early-learning", "screen-free"),
)  # fmt: skip
BOARD_GAMES = Kind(
    nouns=("Board Game", "Strategy Game", "Cooperative Game", "Memory Game", "Dice Game"),
    adjectives=("Treasure Island", "Dragon Quest", "Rainforest Rescue", "Space Race",
                "Castle Siege", "Mystery Manor", "Harvest Time", "Pirate Cove"),
    brands=("Puzzlewright", "Orbit Kids", "Bright Owl"), ages=(60, None), prices=(14, 59),
    materials=("cardboard", "FSC wood"), palette=("Standard",),
    features=("Plays in about thirty minutes with two to six players.",
              "Simple rules for children, real choices for grown-ups."),
    tags=("family-game", "rainy-day", "screen-free", "cooperative-play"), weight=12,
)  # fmt: skip
CARD_GAMES = Kind(
    nouns=("Card Game", "Quartet Cards", "Snap Cards", "Trivia Cards"),
    adjectives=("Animal", "Speedy", "Monster", "Family", "Pocket"),
    brands=("Puzzlewright", "Orbit Kids"), ages=(60, None), prices=(5, 19),
    materials=("cardboard",), palette=("Standard",),
    features=("Fits in a pocket for trains, planes and waiting rooms.",),
    tags=("travel-friendly", "family-game", "party-favour"), weight=6,
)  # fmt: skip
DRAWING = Kind(
    nouns=("Crayon Set", "Colouring Book", "Marker Set", "Easel", "Chalk Set", "Paint Box"),
    adjectives=("Washable", "Beeswax", "Jumbo", "Neon", "Watercolour", "Double-Sided"),
    brands=("Crayonia", "Meadow & Co."), ages=(36, 144), prices=(5, 69),
    materials=("beeswax", "FSC wood", "recycled paper"),
    features=("Non-toxic colours that wash out of clothes.",),
    tags=("creativity", "rainy-day", "washable"),
)  # fmt: skip
CLAY = Kind(
    nouns=("Modelling Clay Set", "Play Dough Tubs", "Air-Dry Clay Kit", "Dough Bakery"),
    adjectives=("Rainbow", "Natural", "Glitter", "Mega", "Ocean"),
    brands=("Clayworks Junior", "Crayonia"), ages=(36, 120), prices=(6, 34),
    materials=("wheat-free dough", "recycled plastic"),
    features=("Soft, non-toxic and stays fresh in resealable tubs.",),
    tags=("creativity", "sensory", "fine-motor-skills"), weight=6,
)  # fmt: skip
CRAFT_KITS = Kind(
    nouns=("Bead Kit", "Friendship Bracelet Kit", "Knitting Kit", "Sewing Kit", "Slime Kit",
           "Weaving Loom", "Candle Making Kit"),
    adjectives=("Deluxe", "Rainbow", "Starter", "Galaxy", "Boho"),
    brands=("Crayonia", "TinkerNest", "Meadow & Co."), ages=(72, 168), prices=(9, 44),
    materials=("cotton", "FSC wood", "glass beads"),
    features=("Everything needed for a first project, with step-by-step instructions.",),
    tags=("creativity", "rainy-day", "party-favour"),
)  # fmt: skip
RC_CARS = Kind(
    nouns=("RC Monster Truck", "RC Drift Car", "RC Rock Crawler", "RC Stunt Car",
           "RC Race Buggy", "RC Amphibious Truck"),
    adjectives=("High-Speed", "All-Terrain", "1:16", "1:24", "Turbo", "Waterproof"),
    brands=("Zoomtrax", "Orbit Kids"), ages=(72, None), prices=(24, 149),
    materials=("ABS plastic", "rubber", "metal"),
    features=("Reaches 25 km/h with a 2.4 GHz remote for racing side by side.",
              "Rubber tyres and sprung suspension tackle grass and gravel."),
    tags=("outdoor", "rechargeable"), batteries=("rechargeable Li-ion", "AA"), weight=12,
)  # fmt: skip
DRONES = Kind(
    nouns=("Mini Drone", "Camera Drone", "Stunt Drone", "Foldable Drone"),
    adjectives=("Beginner", "Hover", "Pocket", "Flip", "Sky"),
    brands=("Zoomtrax", "Bolt Robotics"), ages=(120, None), prices=(29, 149),
    materials=("ABS plastic", "carbon fibre"), palette=("Black", "White", "Red"),
    features=("Altitude hold and one-key landing make first flights easy.",),
    tags=("outdoor", "rechargeable", "teen-approved"), batteries=("rechargeable Li-ion",),
    weight=6,
)  # fmt: skip
WOODEN_RAILWAY = Kind(
    nouns=("Railway Starter Set", "Train Set", "Railway Bridge", "Engine Shed", "Track Pack"),
    adjectives=("Wooden", "Figure-of-Eight", "Mountain", "Harbour", "Farm"),
    brands=("Woodland Toy Co.", "Maple Mouse"), ages=(36, 96), prices=(12, 119),
    materials=_WOOD, palette=_NATURAL,
    features=("Compatible with every major wooden track system.",),
    tags=("wooden", "imaginative-play", "eco-friendly"), weight=8,
)  # fmt: skip
ELECTRIC_TRAINS = Kind(
    nouns=("Electric Train Set", "Battery Locomotive", "Steam Train Set", "Freight Train"),
    adjectives=("Express", "Classic", "Light & Sound", "Mountain"),
    brands=("Zoomtrax", "Polar Bear Toys"), ages=(72, None), prices=(29, 199),
    materials=("ABS plastic", "metal"),
    features=("Real headlights and a whistle at the push of a button.",),
    tags=("collectible",), batteries=("AA", "C"), weight=6,
)  # fmt: skip
DIECAST = Kind(
    nouns=("Die-Cast Car", "Die-Cast Fire Engine", "Car Transporter", "Vintage Roadster"),
    adjectives=("1:43", "1:64", "Classic", "Rally", "Police"),
    brands=("Zoomtrax", "Hero Forge"), ages=(36, None), prices=(4, 39),
    materials=("metal", "ABS plastic"),
    features=("Die-cast metal body with opening doors.",),
    tags=("collectible", "party-favour"), weight=6,
)  # fmt: skip
CODING_ROBOTS = Kind(
    nouns=("Coding Robot", "Robot Kit", "Line-Following Robot", "Coding Caterpillar",
           "Programmable Rover"),
    adjectives=("Smart", "Screen-Free", "Bluetooth", "Build-Your-Own", "Junior"),
    brands=("Bolt Robotics", "Kiddo Lab"), ages=(72, 168), prices=(39, 199),
    materials=("ABS plastic", "electronics"), palette=("White", "Blue", "Orange"),
    features=("Program it with cards, blocks or Python as skills grow.",),
    tags=("stem", "educational", "rechargeable"),
    batteries=("rechargeable Li-ion", "AAA"), weight=8,
)  # fmt: skip
SCIENCE_KITS = Kind(
    nouns=("Chemistry Set", "Crystal Growing Kit", "Volcano Kit", "Slime Lab", "Fossil Dig Kit",
           "Weather Station"),
    adjectives=("Junior", "Mega", "Glow-in-the-Dark", "Kitchen", "Explorer"),
    brands=("Kiddo Lab", "Stargazer Science"), ages=(96, 168), prices=(12, 59),
    materials=("cardboard", "recycled plastic", "glass"), palette=("Standard",),
    features=("Twenty experiments explained in a full-colour booklet.",),
    tags=("stem", "educational", "rainy-day"),
)  # fmt: skip
ELECTRONICS_KITS = Kind(
    nouns=("Circuit Kit", "Snap Circuits Set", "Solar Robot Kit", "Radio Kit"),
    adjectives=("Starter", "Advanced", "Solar", "Musical"),
    brands=("Kiddo Lab", "Bolt Robotics", "TinkerNest"), ages=(96, None), prices=(24, 99),
    materials=("ABS plastic", "electronics"), palette=("Standard",),
    features=("Snap-together parts, no soldering required.",),
    tags=("stem", "educational"), batteries=("AA", "9V"), weight=6,
)  # fmt: skip
OPTICS = Kind(
    nouns=("Microscope", "Telescope", "Binoculars", "Magnifier Set"),
    adjectives=("Junior", "LED", "Explorer", "Pocket", "Night Sky"),
    brands=("Stargazer Science", "Kiddo Lab"), ages=(96, None), prices=(14, 149),
    materials=("metal", "glass", "ABS plastic"),
    features=("Real glass optics with up to 400x magnification.",),
    tags=("stem", "educational", "outdoor"), batteries=("AA",), battery_share=0.5, weight=6,
)  # fmt: skip
PLAY_KITCHENS = Kind(
    nouns=("Play Kitchen", "Toy Food Set", "Tea Set", "Cafe Counter", "Market Stall"),
    adjectives=("Wooden", "Corner", "Retro", "Mini", "Deluxe"),
    brands=("Tiny Chef", "Woodland Toy Co."), ages=(36, 96), prices=(12, 199),
    materials=_WOOD, palette=_NATURAL,
    features=("Clicking hob knobs and a ticking oven timer.",),
    tags=("imaginative-play", "wooden", "cooperative-play"), weight=8,
)  # fmt: skip
DRESS_UP = Kind(
    nouns=("Knight Costume", "Astronaut Costume", "Princess Dress", "Dinosaur Costume",
           "Firefighter Costume", "Pirate Costume"),
    adjectives=("Deluxe", "Reversible", "Glow", "Classic"),
    brands=("Meadow & Co.", "Polar Bear Toys"), ages=(36, 120), prices=(14, 49),
    materials=("recycled polyester", "organic cotton"), sizes=_KID_SIZES,
    features=("Machine washable and easy to put on without help.",),
    tags=("imaginative-play", "washable", "party-favour"),
)  # fmt: skip
