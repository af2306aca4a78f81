"""A model's anatomy (genlab.inference.anatomy) drawn as HTML: each row a chain of boxes, left to
right, wrapping on a narrow screen; a box's bar grows with how many numbers the layer hands on, so a
bottleneck (a VAE's code, a classifier's ten scores) shows as a narrowing."""
import html
import math

from genlab.inference.anatomy import Row, Stage, parameters

BAR_PX = (6, 64)  # the bar of a box that hands on one number, and of the largest in the diagram


def shape_words(shape: tuple[int, ...]) -> str:
    """(32, 14, 14) -> "32×14×14"."""
    return "×".join(f"{side:,}" for side in shape)


def stage_html(stage: Stage, largest: int) -> str:
    low, high = BAR_PX
    bar = low + (high - low) * math.log1p(stage.size) / math.log1p(largest)
    weights = f"<small>{stage.parameters:,} weights</small>" if stage.parameters else ""
    return (f'<div class="genlab-stage"><div class="genlab-stage-bar" style="height:{bar:.0f}px"></div>'
            f"<b>{html.escape(stage.what)}</b><span>{shape_words(stage.shape)}</span>{weights}</div>")


def diagram_html(rows: list[Row]) -> str:
    """The rows as one figure, each with its title and its count of weights."""
    largest = max(stage.size for row in rows for stage in row.stages)
    parts = []
    for row in rows:
        boxes = '<span class="genlab-arrow" aria-hidden="true">→</span>'.join(
            stage_html(stage, largest) for stage in row.stages)
        parts.append(f'<figure class="genlab-diagram-row"><figcaption>{html.escape(row.title)} '
                     f"<small>({parameters(row.stages):,} weights)</small></figcaption>"
                     f'<div class="genlab-stages">{boxes}</div></figure>')
    return f'<div class="genlab-diagram">{"".join(parts)}</div>'
