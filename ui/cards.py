"""Model cards: what a checkpoint is, how it was trained and how well it does."""
import html

from genlab.core.checkpoint import Checkpoint


def confusion_html(matrix: list[list[int]]) -> str:
    """A 10x10 confusion matrix as a shaded table: rows are the true digit, columns the prediction."""
    largest_error = max((v for i, row in enumerate(matrix) for j, v in enumerate(row) if i != j), default=1) or 1
    head = "".join(f"<th>{j}</th>" for j in range(len(matrix)))
    rows = []
    for i, row in enumerate(matrix):
        cells = []
        for j, v in enumerate(row):
            if i == j:
                style = "background:#d9f2d9;font-weight:600"
            else:
                style = f"background:rgba(220,50,50,{0.85 * v / largest_error:.2f})" if v else ""
            cells.append(f'<td style="{style}">{v}</td>')
        rows.append(f"<tr><th>{i}</th>{''.join(cells)}</tr>")
    return ('<table class="confusion"><caption>Confusion matrix on the 10,000 test images '
            '(rows: true digit, columns: predicted)</caption>'
            f"<tr><th></th>{head}</tr>{''.join(rows)}</table>")


def setting(value) -> str:
    """A config value as a person reads it: lists as "800, 800", not Python's repr."""
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def model_card(checkpoint: Checkpoint, mine: bool = False) -> str:
    """Markdown with architecture, size, training settings and the measured metrics. A visitor's own
    model (`mine`) is titled as theirs, so it never reads like the pretrained one."""
    meta = checkpoint.meta
    metrics, training = meta.get("metrics", {}), meta.get("training", {})
    whose = "Your own" if mine else "Pretrained"
    architecture = "; ".join(f"{key} {setting(value)}" for key, value in meta["config"].items())
    lines = [
        f"### {whose} {meta['arch'].upper()} ({meta['family']}), `{html.escape(checkpoint.path.name)}`",
        f"- **Parameters:** {meta['parameters']:,}",
        f"- **Architecture:** {html.escape(architecture)}",
    ]
    if "test_accuracy" in metrics:
        lines.append(f"- **Test accuracy:** {metrics['test_accuracy']:.2%} on {metrics.get('test_images', '?'):,} "
                     f"{meta['dataset']} test images (test loss {metrics.get('test_loss', float('nan')):.4f})")
    settings = ", ".join(f"{k} {v}" for k, v in training.items() if k not in ("device",))
    lines += [f"- **Training:** {settings}", f"- **Trained on:** {training.get('device', '?')}, {meta['created']}"]
    return "\n".join(lines)
