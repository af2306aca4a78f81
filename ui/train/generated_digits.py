"""The Train tab's "train on generated digits": the same CNN and budget trained on real digits (recipe
A) and on digits a conditional GAN draws (recipe B), both measured on the real test set, run as a
comparison (ui/train/two_recipes.py shows it). The handler, then the layout, then the wiring;
genlab.families.generated does the work."""
import math

import gradio as gr
import numpy as np

from genlab.core.checkpoint import checkpoint_dir
from genlab.core.errors import RequestError
from genlab.core.images import image_grid, upscale
from genlab.families.generated import (FEW_REAL, MANY_GENERATED, SCORED_DIGITS, SCORES, SCORING_TRAINING,
                                       budget_steps, conditional_gan, first_generated, scoring_recipes)
from genlab.families import family_of
from genlab.families.recipes import MAX_SECONDS
from genlab.serve.lab import MINE, Lab
from genlab.serve.runs.run import Part, Run
from ui.common import answers, user_of
from ui.gradio_internals import Picture, PlotData, plot_rows
from ui.train.run_view import watch
from ui.train.two_recipes import both_curves, results, status_html

COMMITTED = "cdcgan"
SCORE_CHOICES = [(f"{SCORED_DIGITS:,} generated digits against as many real ones (the Classification Accuracy Score)",
                  "generated"),
                 (f"{FEW_REAL:,} real digits alone against the same with {MANY_GENERATED:,} generated", "mixed")]
WHAT_EACH_LEARNS = {  # the headline's names for what recipe A and recipe B learned from
    "generated": ("real digits", "the GAN's digits"),
    "mixed": (f"{FEW_REAL:,} real digits", f"those and {MANY_GENERATED:,} of the GAN's"),
}
TEST_ACCURACY = next(metric.label for metric in family_of("cnn").metrics if metric.key == "test_accuracy")  # plotted
PER_DIGIT = 10  # digits of each kind shown from what recipe B learns from


def gan_path(lab: Lab, gan: str, user: str) -> str:
    """The checkpoint the digits are drawn from: the committed conditional DCGAN or the visitor's own
    conditional GAN, refused with a reason when they have none or theirs cannot be asked for a digit."""
    if gan == COMMITTED:
        return str(checkpoint_dir() / COMMITTED)
    if gan != MINE:
        raise RequestError(f"Choose the GAN that draws the digits: {COMMITTED!r} or {MINE!r}; got {gan!r}.")
    mine = lab.checkpoint(MINE, "gan", user)
    if not mine.model.classes:
        raise RequestError(f"Your GAN is a {mine.meta['arch']}, which cannot be asked for a digit, so its digits "
                           "have no labels to learn from: train a conditional DCGAN, or choose the committed one.")
    return str(mine.path)


class Scoring:
    """The handler that trains the CNN on real and on generated digits as the visitor's one run."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    def score(self, gan: str, which: str, request: gr.Request):
        """Train the same CNN on real digits and on digits the chosen conditional GAN draws (labelled with
        the digit asked for), one after the other as your one run, both measured on the real test set.
        Streams the progress, the headline (both accuracies and their gap), the accuracy curves, the
        first of the generated digits recipe B learns from (a row per digit) and the table of results."""
        if which not in SCORES:
            raise gr.Error(f"Choose what to compare: {' or '.join(map(repr, SCORES))}; got {which!r}.")
        user = user_of(request)
        pair = scoring_recipes(which, gan_path(self.lab, gan, user), MAX_SECONDS)
        (real_a, generated_a), (real_b, generated_b) = SCORES[which]
        shown = {"real_digits": real_a}, {"real_digits": real_b, "generated_digits": generated_b}
        settings_b = pair[1][1]
        drawn = first_generated(conditional_gan(settings_b.digits_from, self.lab.device), generated_b, PER_DIGIT,
                                settings_b.seed)
        digits = upscale(image_grid(drawn.images, columns=PER_DIGIT), 2)
        run = self.lab.runs.start(user, "cnn", pair)
        yield from watch(self.lab.runs, run, lambda run, position: view(run, position, which, digits, *shown))


def test_accuracy(part: Part) -> float | None:
    """The part's latest accuracy on the real test digits: its model's, once it has one."""
    if part.checkpoint is not None:
        return part.checkpoint.meta["metrics"].get("test_accuracy")
    measured = [event.metrics["test_accuracy"] for event in part.events if "test_accuracy" in event.metrics]
    return measured[-1] if measured else None


def headline(run: Run, which: str) -> str:
    """Both accuracies and their gap, first, in words ("so far" while a recipe still learns)."""
    names = WHAT_EACH_LEARNS[which]
    figures = []
    for name, part in zip(names, run.parts):
        accuracy = test_accuracy(part)
        so_far = " so far" if accuracy is not None and part.checkpoint is None else ""
        figures.append((name, accuracy, so_far))
    said = " · ".join(f"trained on {name}: **{accuracy:.2%}**{so_far}" if accuracy is not None
                      else f"trained on {name}: not measured yet" for name, accuracy, so_far in figures)
    (_, a, _), (_, b, _) = figures
    if a is None or b is None:
        return f"Accuracy on the 10,000 real test digits: {said}."
    gap = round(b * 100, 2) - round(a * 100, 2)  # of the figures as shown, so the words agree with them
    return (f"Accuracy on the 10,000 real test digits: {said} · **{abs(gap):.2f} points {'lower' if gap < 0 else 'higher'}** "
            f"with {names[1]}. The closer the two, the better the GAN's digits stand in for real ones.")


def test_curves(run: Run):
    """Both recipes' accuracy on the real test digits: the result, without the training accuracy that
    starts near chance and would stretch the axis (the Train tab's own plots show it)."""
    measured = both_curves(run)[1]
    return None if measured is None else measured[measured["curve"].str.endswith(TEST_ACCURACY)]


def fitted(plot: PlotData | dict | None) -> gr.LinePlot:
    """The accuracy plot's y axis fitted to its curves (a point of margin each side), so that curves a
    point or two apart near 100% are told apart; the page asks each time the curves change, and the
    API's plot stays plain data."""
    values = [row["value"] for row in plot_rows(plot)
              if isinstance(row.get("value"), (int, float)) and math.isfinite(row["value"])]
    if not values:
        return gr.LinePlot(y_lim=None)
    low, high = math.floor(min(values) * 100 - 1) / 100, min(1.0, math.ceil(max(values) * 100 + 1) / 100)
    return gr.LinePlot(y_lim=[low, high])


def view(run: Run, position: int, which: str, digits: np.ndarray, shown_a: dict, shown_b: dict):
    """Both runs as this part shows them: progress, the headline (shown above it), the accuracy curves,
    the digits B learns from and the table of results."""
    return (status_html(run, position), headline(run, which), test_curves(run), digits,
            results(run, shown_a, shown_b))


def build(lab: Lab) -> None:
    """The accordion below the comparison."""
    handlers = Scoring(lab)
    with gr.Accordion("Train on generated digits", open=False, elem_id="generated-digits"):
        gr.Markdown("Can a GAN's digits stand in for real ones? The same small CNN, with the same number of steps, "
                    "learns from real digits (recipe A) and from digits a conditional GAN draws, each labelled "
                    "with the digit asked for (recipe B); both are tested on the 10,000 real test digits. The two "
                    "are your one run (**Stop** above ends both); the CNN of recipe B becomes your **Mine** "
                    f"classifier. How long it takes: each CNN trains {budget_steps():,} steps (batches of "
                    f"{SCORING_TRAINING.batch_size} digits), and the GAN first draws recipe B's digits; "
                    "the time left shows once the first steps are timed.")
        with gr.Row():
            gan = gr.Radio([("Conditional DCGAN (committed)", COMMITTED), ("Mine (a conditional GAN you trained)", MINE)],
                           value=COMMITTED, label="Digits drawn by")
            which = gr.Radio(SCORE_CHOICES, value="generated", label="Compare")
        score_button = gr.Button("Train both", variant="primary")
        headline_text = gr.Markdown(elem_id="generated-digits-headline")
        status = gr.HTML("<p>Press Train both to start.</p>")
        with gr.Row():
            accuracy_plot = gr.LinePlot(x="step", y="value", color="curve", title="Accuracy on the real test digits",
                                        x_title="training step", y_title="accuracy", color_title="", height=260)
            digits = Picture(label="Digits recipe B learns from: the GAN's first, a row per digit asked for",
                             interactive=False, format="png", height=260, buttons=[],
                             elem_classes=["pixelated", "captioned"], elem_id="generated-digits-drawn")
        scores = gr.Markdown(elem_id="generated-digits-results")
        score_button.click(answers(handlers.score), [gan, which], [status, headline_text, accuracy_plot, digits, scores],
                           api_name="score_generated", concurrency_limit=64, concurrency_id="training",
                           show_progress="hidden")
        accuracy_plot.change(fitted, accuracy_plot, accuracy_plot, api_visibility="private", queue=False,
                             show_progress="hidden")
