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


# What a card says of each setting, in words; None: a setting of the machinery (how often it logged,
# its seed, its time cap), not of the model, so the card leaves it out. A setting not named here is
# shown as its name with spaces.
ARCHITECTURE = {
    "channels": lambda v: f"convolutions of {setting(v)} channels",
    "filters": lambda v: f"{v} filters",
    "hidden": lambda v: f"hidden layers of {setting(v)} units",
    "latent": lambda v: f"a latent code of {v} numbers",
    "noise": lambda v: f"noise of {v} numbers",
    "classes": lambda v: f"told which of {v} digits to draw" if v else None,
    "dropout": lambda v: f"dropout {v}" if v else None,
    "generator_leak": lambda v: f"generator LeakyReLU slope {v}" if v else "generator ReLU",
    "deeper": lambda v: "an extra 3x3 convolution at every resolution" if v else None,
    "batch_norm": lambda v: "batch normalisation" if v else None,
    "vocab": lambda v: f"an alphabet of {len(v)} characters",
    "embed": lambda v: f"characters embedded in {v} numbers",
    "layers": lambda v: f"{v} LSTM layers",
    "max_chars": lambda v: f"lines of up to {v} characters",
}
TRAINING = {
    "epochs": lambda v: f"{v:g} epochs",
    "batch_size": lambda v: f"batches of {v}",
    "lr": lambda v: f"learning rate {v:g}",
    "d_lr": lambda v: f"discriminator learning rate {v:g}" if v else None,
    "d_steps": lambda v: f"{v} discriminator updates per generator update" if v != 1 else None,
    "real_label": lambda v: f"real digits' target {v:g}" if v != 1 else None,
    "aux_weight": lambda v: f"digit-naming loss weight {v:g}",
    "ema": lambda v: f"generator weights averaged over recent steps ({v:g})" if v else None,
    "weight_decay": lambda v: f"weight decay {v:g}" if v else None,
    "label_smoothing": lambda v: f"label smoothing {v:g}" if v else None,
    "augment": lambda v: "digits randomly rotated, scaled and thickened" if v else None,
    "beta": lambda v: f"beta {v:g} (weight of the KL term)",
    "kl_warmup_steps": lambda v: f"the KL term phased in over {v:,} steps" if v else None,
    "free_bits": lambda v: f"{v:g} free nats per latent dimension" if v else None,
    "word_dropout": lambda v: f"word dropout {v:g}" if v else None,
    "seq_len": lambda v: f"sequences of {v} characters",
    "grad_clip": lambda v: f"gradients clipped at {v:g}" if v else None,
    "adversarial_steps": lambda v: f"{v:,} adversarial steps",
    "adversarial_lr": lambda v: f"adversarial learning rate {v:g}",
    "mle_weight": lambda v: f"maximum-likelihood weight {v:g} during the GAN",
    "pretrain_share": None,
    "real_digits": lambda v: f"{v:,} real digits" if v != 60_000 else None,
    "generated_digits": lambda v: f"{v:,} generated digits" if v else None,
    "digits_from": lambda v: f"digits drawn by {v}" if v else None,
    "text_file": lambda v: f"text from {v}" if v else None,
    **dict.fromkeys(("seed", "log_every", "preview_every", "max_seconds", "bf16", "evals_per_epoch", "fid_every",
                     "measure_floor", "eval_chars", "eval_lines", "steps", "seconds", "device"), None),
}


def in_words(settings: dict, words: dict) -> str:
    """The settings a person cares about, each in words, joined with semicolons."""
    said = []
    for key, value in settings.items():
        say = words.get(key, lambda v, key=key: f"{key.replace('_', ' ')} {setting(v)}")
        phrase = say(value) if say else None
        if phrase:
            said.append(phrase)
    return "; ".join(said)


def model_card(checkpoint: Checkpoint, mine: bool = False) -> str:
    """Markdown with architecture, size, training settings and the measured metrics, in words a
    person reads (not the config's keys). A visitor's own model (`mine`) is titled as theirs, so it
    never reads like the pretrained one."""
    meta = checkpoint.meta
    metrics, training = meta.get("metrics", {}), meta.get("training", {})
    whose = "Your own" if mine else "Pretrained"
    lines = [
        f"### {whose} {meta['arch'].upper()} ({meta['family']}), `{html.escape(checkpoint.path.name)}`",
        f"- **Parameters:** {meta['parameters']:,}",
        f"- **Architecture:** {html.escape(in_words(meta['config'], ARCHITECTURE))}",
    ]
    if "test_accuracy" in metrics:
        lines.append(f"- **Test accuracy:** {metrics['test_accuracy']:.2%} on {metrics.get('test_images', '?'):,} "
                     f"{meta['dataset']} test images (test loss {metrics.get('test_loss', float('nan')):.4f})")
    took = (f"{training['steps']:,} steps in {training['seconds'] / 60:.0f} min; "
            if "steps" in training and "seconds" in training else "")
    lines += [f"- **Training:** {took}{html.escape(in_words(training, TRAINING))}",
              f"- **Trained on:** {html.escape(str(training.get('device', '?')))}, {meta['created']}"]
    return "\n".join(lines)
