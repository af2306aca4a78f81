"""The Train tab's "train on generated digits": the same CNN and budget trained on real digits (recipe
A) and on digits a conditional GAN draws (recipe B), both measured on the real test set, run as a
comparison (ui/train/two_recipes.py shows it). The handler, then the layout, then the wiring;
genlab.families.generated does the work."""
import gradio as gr

from genlab.core.checkpoint import checkpoint_dir
from genlab.core.errors import RequestError
from genlab.families.generated import FEW_REAL, MANY_GENERATED, SCORED_DIGITS, SCORES, scoring_recipes
from genlab.families.recipes import MAX_SECONDS
from genlab.serve.lab import MINE, Lab
from genlab.serve.runs.run import Run
from ui.common import answers, user_of
from ui.train.run_view import watch
from ui.train.two_recipes import both_curves, results, status_html

COMMITTED = "cdcgan"
SCORE_CHOICES = [(f"{SCORED_DIGITS:,} generated digits against as many real ones (the Classification Accuracy Score)",
                  "generated"),
                 (f"{FEW_REAL:,} real digits alone against the same with {MANY_GENERATED:,} generated", "mixed")]


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
        the digit asked for), one after the other as your one run, both measured on the real test set."""
        if which not in SCORES:
            raise gr.Error(f"Choose what to compare: {' or '.join(map(repr, SCORES))}; got {which!r}.")
        user = user_of(request)
        pair = scoring_recipes(which, gan_path(self.lab, gan, user), MAX_SECONDS)
        (real_a, generated_a), (real_b, generated_b) = SCORES[which]
        shown = {"real_digits": real_a}, {"real_digits": real_b, "generated_digits": generated_b}
        run = self.lab.runs.start(user, "cnn", pair)
        yield from watch(self.lab.runs, run, lambda run, position: view(run, position, *shown))


def view(run: Run, position: int, shown_a: dict, shown_b: dict):
    """Both runs as this part shows them: progress, the accuracy curves and the table of results."""
    return status_html(run, position), both_curves(run)[1], results(run, shown_a, shown_b)


def build(lab: Lab) -> None:
    """The accordion below the comparison."""
    handlers = Scoring(lab)
    with gr.Accordion("Train on generated digits", open=False, elem_id="generated-digits"):
        gr.Markdown("Can a GAN's digits stand in for real ones? The same small CNN, with the same number of steps, "
                    "learns from real digits (recipe A) and from digits a conditional GAN draws, each labelled "
                    "with the digit asked for (recipe B); both are tested on the 10,000 real test digits. The two "
                    "are your one run (**Stop** above ends both); the CNN of recipe B becomes your **Mine** "
                    "classifier.")
        with gr.Row():
            gan = gr.Radio([("Conditional DCGAN (committed)", COMMITTED), ("Mine (a conditional GAN you trained)", MINE)],
                           value=COMMITTED, label="Digits drawn by")
            which = gr.Radio(SCORE_CHOICES, value="generated", label="Compare")
        score_button = gr.Button("Train both", variant="primary")
        status = gr.HTML("<p>Press Train both to start.</p>")
        accuracy_plot = gr.LinePlot(x="step", y="value", color="curve", title="Accuracy on the real test digits",
                                    x_title="training step", y_title="accuracy", color_title="", height=260)
        scores = gr.Markdown(elem_id="generated-digits-results")
        score_button.click(answers(handlers.score), [gan, which], [status, accuracy_plot, scores], api_name="score_generated",
                           concurrency_limit=64, concurrency_id="training", show_progress="hidden")
