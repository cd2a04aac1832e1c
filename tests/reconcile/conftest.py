"""Make the shared test catalog (`catalog_factory`) importable under --import-mode=importlib."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
