"""The Train tab: its main panel (tab), the comparison of two recipes, training on generated digits,
and the view of a run they all draw."""
from ui.train.tab import build

__all__ = ["build"]
