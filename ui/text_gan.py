"""Text GAN tab: lines from the adversarially trained generator beside lines from the same generator
before adversarial training and from the character LSTM, with how each set reads to the LSTM."""
import html
import secrets

import gradio as gr

from genlab.lines import line_statistics, lm_lines, sample_lines
from ui.common import CHEAP, MINE, Lab, NumberSlider, WholeNumber, on_gpu

NAMES = {"textgan": "Text GAN (tiny-shakespeare lines)", MINE: "Mine (from the Train tab)"}
MAX_COUNT = 32
MAX_SEED = 2**32 - 1
COLUMNS = ("Text GAN", "Before adversarial training", "Character LSTM")


def comparison_html(columns: dict[str, list[str]], stats: dict[str, dict]) -> str:
    """The three sets of lines side by side, with the measurements of each under its column."""
    head = "".join(f"<th>{html.escape(name)}</th>" for name in columns)
    rows = []
    for i in range(max(len(lines) for lines in columns.values())):
        cells = "".join(f"<td><code>{html.escape(lines[i]) if i < len(lines) else ''}</code></td>"
                        for lines in columns.values())
        rows.append(f"<tr>{cells}</tr>")
    def measured(name: str) -> str:
        s = stats[name]
        judged = f"{s['judge_nats_per_char']:.2f} nats/char to the LSTM<br>" if "judge_nats_per_char" in s else ""
        return f"{judged}distinct 3-grams {s['distinct_3']:.0%}, mean {s['mean_chars']:.0f} chars"
    foot = "".join(f"<td><small>{measured(name)}</small></td>" for name in columns)
    return f"<table><tr>{head}</tr>{''.join(rows)}<tr>{foot}</tr></table>"


def stored_table(metrics: dict) -> str:
    """The measurements on 1000 lines each, stored in the checkpoint when it was trained or evaluated."""
    if "samples_distinct_4" not in metrics:
        return ""
    rows = []
    for prefix, who in (("", "Text GAN"), ("pretrained_", "Before adversarial training")):
        judged = metrics.get(prefix + "samples_judge_nats_per_char")
        rows.append(f"| {who} | {'' if judged is None else f'{judged:.3f}'} | {metrics[prefix + 'val_nats_per_char']:.3f} | "
                    f"{metrics[prefix + 'samples_distinct_4']:.3f} | {metrics[prefix + 'samples_copied']:.1%} |")
    return ("Measured on 1000 lines each (from the checkpoint's metadata):\n\n"
            "| Generator | its lines, nats/char under the LSTM (lower reads better) | nats/char it gives held-out "
            "lines (lower covers real text better) | distinct 4-grams | lines copied from training |\n"
            "|---|---|---|---|---|\n" + "\n".join(rows))


def build(lab: Lab) -> None:
    names = [n for n in NAMES if n in lab.checkpoints or n in lab.errors]
    judge = lab.checkpoints["lstm"].model if "lstm" in lab.checkpoints else None

    def sample(name: str, count: float, temperature: float, seed: float, request: gr.Request):
        """count lines from each generator at this temperature and seed, side by side."""
        checkpoint = lab.checkpoint(name, "textgan", request)
        model, count, seed = checkpoint.model, int(count), int(seed)
        chars = model.config.max_chars
        columns = {COLUMNS[0]: sample_lines(model.generator, count, chars, lab.device, temperature, seed),
                   COLUMNS[1]: sample_lines(model.pretrained, count, chars, lab.device, temperature, seed)}
        same_text = judge is not None and judge.config.vocab == model.config.vocab
        if same_text:
            columns[COLUMNS[2]] = lm_lines(judge, count, chars, lab.device, temperature, seed)
        stats = {k: line_statistics(v, judge if same_text else None, lab.device) for k, v in columns.items()}
        return comparison_html(columns, stats), stored_table(checkpoint.meta["metrics"])

    def new_seed(name: str, count: float, temperature: float, request: gr.Request):
        seed = secrets.randbelow(MAX_SEED + 1)
        return seed, *sample(name, count, temperature, seed, request)

    with gr.Tab("Text GAN", id="textgan"):
        if not names:
            gr.Markdown("No pretrained text GAN is loaded: train one of your own in the Train tab.")
        gr.Markdown("A character LSTM trained as a GAN's generator: a critic reads whole lines and the "
                    "generator learns to fool it, through Gumbel-softmax samples. Beside it: the same "
                    "generator before adversarial training (plain maximum likelihood), and the character "
                    "LSTM of the Text tab writing lines of the same kind. The LSTM also judges every line.")
        model = gr.Radio([(NAMES[n], n) for n in names + [MINE]], value=(names + [MINE])[0], label="Model")
        with gr.Row():
            count = NumberSlider(1, MAX_COUNT, value=8, step=1, label="Lines from each")
            temperature = NumberSlider(0.1, 2.0, value=1.0, step=0.05,
                                       label="Temperature (1: the distribution the GAN was trained with)")
            seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed")
        with gr.Row():
            sample_button = gr.Button("Write", variant="primary")
            seed_button = gr.Button("New seed")
        compared = gr.HTML()
        stored = gr.Markdown()

        sample_button.click(on_gpu(sample), [model, count, temperature, seed], [compared, stored], api_name="sample_text_gan",
                            **CHEAP)
        seed_button.click(on_gpu(new_seed), [model, count, temperature], [seed, compared, stored],
                          api_name="new_text_gan_seed", **CHEAP)
