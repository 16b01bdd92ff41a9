"""Utilities grouped as PyTorch groups them: ``glassnet.utils.data`` holds datasets and the DataLoader."""
from glassnet.utils import data

__all__ = ["data"]
