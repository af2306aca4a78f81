"""Each tab's "What's happening": the model as loaded, drawn layer by layer (ui/diagram.py), and the
objective it was trained on as a formula, with numbers computed from what the visitor is looking at
(genlab/inference/objectives.py). The words are for someone who has never trained a network; each
tab builds its panel here and fills it from its own events."""
import math

import gradio as gr

from genlab.inference.anatomy import diagram
from genlab.inference.objectives import EQUILIBRIUM, Elbo, GanValue
from ui.diagram import diagram_html

LATEX = [{"left": "$$", "right": "$$", "display": True}]


def panel(intro: str, model, live: str, measure: str = "") -> tuple[gr.HTML, gr.Markdown, gr.Button | None]:
    """The accordion under a tab: what the model is, its diagram, its formula with live numbers, and a
    button that measures again (`measure`: its words) where what is on screen changes in the page alone."""
    with gr.Accordion("What's happening", open=False, elem_classes=["whats-happening"]):
        gr.Markdown(intro)
        picture = gr.HTML(diagram_html(diagram(model)), elem_classes=["whats-happening-diagram"])
        words = gr.Markdown(live, latex_delimiters=LATEX, elem_classes=["whats-happening-live"])
        again = gr.Button(measure, size="sm") if measure else None
    return picture, words, again


MEASURE_JS = ("async () => {{ const measure = window.genlab?.measures?.['{name}']; "
              "if (!measure) throw new Error('genlab: the server measures'); return await measure(); }}")


def measured(button: gr.Button, name: str, fn, inputs, words: gr.Markdown, **listener) -> None:
    """The Measure button: the figures the page module `name` writes itself (ui/web/live.js's measuresIn), asking the
    server nothing; the server's (`fn` of `inputs`) where the page cannot (its js throws, and the failure runs `fn`)."""
    button.click(None, None, words, js=MEASURE_JS.format(name=name), trigger_mode="always_last", show_progress="hidden"
                 ).failure(fn, inputs, words, api_visibility="private", trigger_mode="always_last",
                           show_progress="hidden", **listener)


def drawn(model) -> str:
    """The diagram of the model now chosen (a visitor's own included)."""
    return diagram_html(diagram(model))


# Classify ------------------------------------------------------------------------------------------

CLASSIFY_INTRO = ("The network turns 784 pixels into ten scores, one per digit, layer by layer (below, each box "
                  "with the shape of what it hands on). Softmax turns the scores into chances that add up to 1. "
                  "It learned by seeing 60,000 labelled digits and nudging every weight to make the right "
                  "digit's chance larger: to shrink the loss, the cross-entropy.")
CLASSIFY_FORMULA = (r"$$p(k \mid x) = \frac{e^{s_k}}{\sum_{j=0}^{9} e^{s_j}} \qquad"
                    r"\text{loss} = -\log p(\text{right digit} \mid x)$$")


def chances_of(reading: dict | None) -> list[tuple[str, float]]:
    """A Label's value as (label, chance), likeliest first: {label: chance} as its listener is given it,
    or the payload the page sends ({"label", "confidences": [{"label", "confidence"}]})."""
    if not reading:
        return []
    if "confidences" in reading:
        reading = {c["label"]: c["confidence"] for c in reading["confidences"] or []}
    return sorted(((str(label), float(p)) for label, p in reading.items() if isinstance(p, (int, float))),
                  key=lambda pair: -pair[1])


CLASSIFY_HEAT = ("**The heat map beside the reading** asks the network a second question: which parts of your "
                 "drawing raised the winning digit's score s? The CNN answers with Grad-CAM: each feature map "
                 "A<sup>k</sup> of its last convolution is weighted by how much s rises with it on average, and "
                 "their weighted sum, kept where positive, is stretched to 28×28. The MLP has no feature maps, so "
                 "it answers with saliency: each pixel's ink times how much s rises with it, kept where positive."
                 "\n\n" + r"$$\text{Grad-CAM} = \mathrm{ReLU}\Big(\sum_k \alpha_k A^k\Big),\ "
                 r"\alpha_k = \operatorname{mean}_{i,j} \frac{\partial s}{\partial A^k_{ij}} \qquad "
                 r"\text{saliency} = \mathrm{ReLU}\Big(x \odot \frac{\partial s}{\partial x}\Big)$$")


CLASSIFY_UNREAD = (CLASSIFY_FORMULA + "\n\nDraw a digit: the chances and the loss they would give appear here.\n\n"
                   + CLASSIFY_HEAT)
CLASSIFY_READ = (CLASSIFY_FORMULA + "\n\nYour digit, read now. Had a teacher labelled it, the loss would be:\n\n",
                 "\n\nA sure, right answer costs almost nothing; a sure, wrong one costs a lot: that difference is "
                 "what training follows.\n\n" + CLASSIFY_HEAT)  # before and after the lines
CLASSIFY_LINE = "- if it is a **{label}** (chance {chance}): loss −log {chance} = **{loss} nats**"


def classify_words(reading: dict | None) -> str:
    """The formula, and the loss the drawing on screen would give under each of its likeliest answers;
    then what the heat map beside the reading computes (genlab/inference/explain.py). The page writes the
    same words from the same parts for its own reading (ui/web/classify.js, given them in its spec)."""
    chances = chances_of(reading)
    if not chances:
        return CLASSIFY_UNREAD
    lines = [CLASSIFY_LINE.format(label=label, chance=f"{p:.3f}", loss=f"{-math.log(max(p, 1e-12)):.3f}")
             for label, p in chances[:3]]
    before, after = CLASSIFY_READ
    return before + "\n".join(lines) + after


# VAE -----------------------------------------------------------------------------------------------

VAE_INTRO = ("The encoder squeezes a digit into a short code: for each code number a mean μ and a spread σ "
             "(a small cloud of likely codes, not one point). The decoder turns any code back into a digit. The "
             "sliders set the code the decoder reads. Training asks for two things at once, in the ELBO: "
             "rebuild each digit well (reconstruction) and keep its cloud close to the standard normal prior, "
             "so that every point of the space decodes to something (KL).")
VAE_FORMULA = (r"$$-\text{ELBO}(x) = \underbrace{-\log p(x \mid z{=}\mu)}_{\text{reconstruction}} + "
               r"\underbrace{\mathrm{KL}\big(q(z \mid x)\,\|\,\mathcal{N}(0, I)\big)}_{\text{KL}}$$")


VAE_READ = ("The digit on screen, encoded again: reconstruction **{reconstruction} nats** + KL **{kl} nats** = "
            "**{total} nats**. Its code is {distance} from the centre of the prior. Drag a slider and let go: a code "
            "far out decodes to an odd digit that costs more, and a digit with grey edges costs more nats than a crisp "
            "one (each grey pixel is a coin flip the decoder cannot call).")
VAE_WORDS = {"formula": VAE_FORMULA, "read": VAE_READ}  # what ui/web/explore.js writes the same words from


def vae_words(elbo: Elbo, z: list[float]) -> str:
    """The digit on screen, encoded again: its two terms in nats, and how far its code is from the centre."""
    distance = math.sqrt(sum(v * v for v in z))
    return VAE_FORMULA + "\n\n" + VAE_READ.format(reconstruction=f"{elbo.reconstruction:.1f}", kl=f"{elbo.kl:.1f}",
                                                    total=f"{elbo.total:.1f}", distance=f"{distance:.2f}")


# GAN -----------------------------------------------------------------------------------------------

GAN_INTRO = ("Two networks trained against each other. The generator G turns noise into a digit; the "
             "discriminator D sees real digits and G's, and gives each its chance of being real. D learns to "
             "tell them apart; G learns to fool D. When G's digits cannot be told from real ones, D can only "
             "say ½ to everything.")
GAN_FORMULA = (r"$$\min_G \max_D \; V(D, G) = \mathbb{E}_{x}\big[\log D(x)\big] + "
               r"\mathbb{E}_{z}\big[\log\big(1 - D(G(z))\big)\big]$$")


GAN_READ = ("On the {n} samples on screen and as many real test digits: E[log D(x)] = **{log_d_real}**, "
            "E[log(1 − D(G(z)))] = **{log_one_minus_d_fake}**, so V = **{value}** (where D can only guess, "
            "V = 2·log ½ = {equilibrium}).\n\nD's chance that each sample is real, in the grid's order: {scores}. Its "
            "mean: **{d_fake}** for the samples, **{d_real}** for real digits.")
GAN_READ_NO_REAL = ("D's chance that each sample on screen is real, in the grid's order: {scores}. Its mean: **{d_fake}**, "
                    "so E[log(1 − D(G(z)))] = **{log_one_minus_d_fake}** (this server has no real digits to show D).")
SCORES_SHOWN = 16  # D's scores listed, the grid's first
GAN_WORDS = {"formula": GAN_FORMULA, "read": GAN_READ, "no_real": GAN_READ_NO_REAL, "scores_shown": SCORES_SHOWN,
             "equilibrium": f"{EQUILIBRIUM:.3f}"}  # what ui/web/gan_grid.js writes the same words from


def gan_words(value: GanValue) -> str:
    """D's view of the grid on screen and of as many real test digits, and the game's value on them."""
    scores = ", ".join(f"{p:.2f}" for p in value.d_each_fake[:SCORES_SHOWN])
    scores += " …" if len(value.d_each_fake) > SCORES_SHOWN else ""
    template = GAN_READ_NO_REAL if math.isnan(value.d_real) else GAN_READ
    return GAN_FORMULA + "\n\n" + template.format(
        n=len(value.d_each_fake), scores=scores, log_d_real=f"{value.log_d_real:.3f}",
        log_one_minus_d_fake=f"{value.log_one_minus_d_fake:.3f}", value=f"{value.value:.3f}",
        equilibrium=GAN_WORDS["equilibrium"], d_fake=f"{value.d_fake:.2f}", d_real=f"{value.d_real:.2f}")


# Text ----------------------------------------------------------------------------------------------

TEXT_INTRO = ("The LSTM reads one character at a time. It carries a state (a few hundred numbers, h and c) "
              "from each character to the next: its memory of what came before. From the state it gives every "
              "character a chance of coming next. It learned by reading Shakespeare and making the character "
              "that did come next more likely. Writing draws each character from those chances; temperature "
              "T sharpens (T < 1) or flattens (T > 1) them first.")
TEXT_FORMULA = (r"$$\text{loss} = -\frac{1}{n}\sum_{t=1}^{n} \log p(c_t \mid c_{<t}) \qquad "
                r"p_T(c) = \frac{p(c)^{1/T}}{\sum_{c'} p(c')^{1/T}}$$")


def shown_char(char: str) -> str:
    return {"\n": "⏎", " ": "␣"}.get(char, char)


TEXT_EMPTY = "Type a prompt: its cost and the next character's chances appear here."
TEXT_READ = ("Your prompt costs the model **{mean} nats a character** on average (perplexity {perplexity}: as unsure "
             "as a choice among that many characters).\n\nThe likeliest next characters, as the model gives them and "
             "at temperature T = {temperature}:\n\n| next | p | p at T |\n|---|---|---|\n{rows}")
TEXT_ROW = "| `{char}` | {p} | {p_t} |"
TEXT_WORDS = {"formula": TEXT_FORMULA, "empty": TEXT_EMPTY, "read": TEXT_READ, "row": TEXT_ROW}  # ui/web/text_inside.js's


def text_words(surprisal: list[tuple[str, float]], chances: list[tuple[str, float, float]], temperature: float) -> str:
    """The prompt's loss per character, and the next character's chances before and after temperature."""
    if not surprisal:
        return TEXT_FORMULA + "\n\n" + TEXT_EMPTY
    mean = sum(n for _, n in surprisal) / len(surprisal)
    rows = "\n".join(TEXT_ROW.format(char=shown_char(c), p=f"{p:.3f}", p_t=f"{p_t:.3f}") for c, p, p_t in chances)
    return TEXT_FORMULA + "\n\n" + TEXT_READ.format(mean=f"{mean:.2f}", perplexity=f"{math.exp(mean):.1f}",
                                                    temperature=f"{temperature:g}", rows=rows)


# Sentences -----------------------------------------------------------------------------------------

def sentences_intro(latent: int) -> str:
    return (f"The sentence VAE squeezes a whole line into {latent} numbers, then writes a line from them, one "
            f"character at a time. {latent} numbers cannot hold every letter of every line, so the code is lossy: "
            "what comes back is the decoder's best guess from the code, which often keeps the rhythm, the length "
            "and some words, and changes the rest. The KL says how much the code holds.")


SENTENCES_FORMULA = (r"$$-\text{ELBO}(\text{line}) = \underbrace{-\sum_t \log p(c_t \mid c_{<t}, z{=}\mu)}"
                     r"_{\text{reconstruction}} + \underbrace{\mathrm{KL}\big(q(z \mid \text{line})\,\|\,"
                     r"\mathcal{N}(0, I)\big)}_{\text{what the code holds}}$$")


SENTENCES_READ = ("Your line, {chars} characters: reconstruction **{reconstruction} nats** + KL **{kl} nats** = **{total} "
                  "nats**. The code holds about {kl_bits} bits of it; the rest, about {reconstruction_bits} bits, the "
                  "decoder must guess. Rebuilt from its code's centre: “{rebuilt}” ({exact}).{how_often}")
EXACTLY, LOSSY = "exactly", "not exactly: the code is lossy"
HOW_OFTEN = " On held-out lines this model rebuilds {share} exactly; the rest come back changed."


def how_often(exact_share: float | None) -> str:
    return HOW_OFTEN.format(share=f"{exact_share:.1%}") if exact_share is not None else ""


def sentences_word_parts(exact_share: float | None) -> dict[str, str]:
    """What ui/web/sentences.js writes sentences_words from, for a model that rebuilds `exact_share` of held-out lines."""
    return {"formula": SENTENCES_FORMULA, "read": SENTENCES_READ, "exactly": EXACTLY, "lossy": LOSSY,
            "how_often": how_often(exact_share)}


def sentences_words(line: str, elbo: Elbo, rebuilt: str, exact_share: float | None) -> str:
    """The typed line's two terms, what the code can hold, and the rebuilt line beside it."""
    return SENTENCES_FORMULA + "\n\n" + SENTENCES_READ.format(
        chars=len(line), reconstruction=f"{elbo.reconstruction:.1f}", kl=f"{elbo.kl:.1f}", total=f"{elbo.total:.1f}",
        kl_bits=f"{elbo.kl / math.log(2):.0f}", reconstruction_bits=f"{elbo.reconstruction / math.log(2):.0f}",
        rebuilt=rebuilt, exact=EXACTLY if rebuilt.strip() == line.strip() else LOSSY, how_often=how_often(exact_share))


# Text GAN ------------------------------------------------------------------------------------------

TEXT_GAN_INTRO = ("A character LSTM first learns to write like the LSTM of the Text tab (maximum likelihood), "
                  "then keeps learning against a critic that reads whole lines and scores how real they look. A "
                  "line is a chain of characters drawn one by one, and drawing is not something a gradient can "
                  "pass through: Gumbel-softmax draws a character in a way that still lets the critic's "
                  "judgement flow back into the writer.")
TEXT_GAN_FORMULA = (r"$$y = \mathrm{softmax}\big((\log p + g)/\tau\big), \quad g_i = -\log(-\log u_i),\ "
                    r"u_i \sim U(0, 1)$$")


TEXT_GAN_READ = ("The critic's score of the first lines on screen (higher: more like Shakespeare's lines, as far as this "
                 "critic can tell; it learned to catch its own writer's slips, so it is no judge of verse in general):"
                 "\n\n| writer | line | critic |\n|---|---|---|\n{rows}")
TEXT_GAN_ROW = "| {who} | {line} | {score} |"
TEXT_GAN_WORDS = {"formula": TEXT_GAN_FORMULA, "read": TEXT_GAN_READ, "row": TEXT_GAN_ROW}  # ui/web/text_gan.js's
SCORED_LINES = 3  # the critic's scores shown, of each writer's first lines


def text_gan_words(scored: list[tuple[str, str, float]]) -> str:
    rows = "\n".join(TEXT_GAN_ROW.format(who=who, line=line, score=f"{score:.2f}") for who, line, score in scored)
    return TEXT_GAN_FORMULA + "\n\n" + TEXT_GAN_READ.format(rows=rows)


# Train ---------------------------------------------------------------------------------------------

TRAIN_INTRO = ("Training shows the network example after example (in batches), measures how wrong it is (the "
               "loss below), and nudges every weight a little in the direction that makes the loss smaller: "
               "gradient descent, a step per batch. The diagram is the network your knobs build, before it has "
               "learned anything; each box's count is how many of its weights training will adjust.")
TRAIN_OBJECTIVES = {  # family: (what the loss curve shows, its formula), as genlab/train computes it
    "classifier": ("cross-entropy: how unlikely the right digit was", CLASSIFY_FORMULA),
    "vae": ("the negative ELBO (neg elbo), split into reconstruction (recon) and KL", VAE_FORMULA),
    "gan": ("D's loss (d loss) and G's (g loss), and D's mean chance that real digits (d real) and G's digits "
            "(d fake) are real: when D wins, d real climbs to 1 and d fake falls to 0; in a balanced game both "
            "stay near ½", GAN_FORMULA),
    "lstm": ("nats per character: how surprised the model is by the next character", TEXT_FORMULA),
    "textvae": ("the negative ELBO of each line, split into reconstruction and KL", SENTENCES_FORMULA),
    "textgan": ("first the next-character loss (mle), then the critic's loss (d loss) and the writer's (g loss)",
                TEXT_GAN_FORMULA),
}


def train_words(family: str, latest: dict[str, float]) -> str:
    """The family's objective, and its terms' latest values from the run's loss curve."""
    what, formula = TRAIN_OBJECTIVES[family]
    now = ", ".join(f"{name} = **{value:.4g}**" for name, value in latest.items())
    return (f"The loss curve shows {what}.\n\n{formula}\n\n"
            + (f"Your run, at its latest step: {now}." if now else "Press Train: the terms' values appear here "
               "as the run reports them."))
