"""The words the lab shows that a person who has never trained a network does not know, each with one
sentence that says what it means here. The page (ui/web/terms.js) finds them wherever a tab shows them
(a label, a paragraph, a table, a caption) and defines them on hover, on keyboard focus and on a tap.

A term is found as a whole word, in any case, in any of its spellings (`GLOSSARY`'s keys, then
`SPELLINGS`); tests/browser/test_browser_learner.py lists each term a tab shows and checks that every
one is defined there."""
import json

GLOSSARY = {
    "latent": "A few numbers, the model's own short code for a picture or a line, from which its decoder or "
              "generator draws the whole thing.",
    "prior": "The spread of codes the model expects before it sees anything: here a bell curve (a standard normal) "
             "in every dimension, which is where random samples are drawn from.",
    "posterior": "The spread of codes the encoder gives one particular input: a centre (mu) and a width (sigma) "
                 "in each dimension.",
    "ELBO": "Evidence lower bound: how well a VAE explains an input, the reconstruction error plus the KL term; "
            "training makes it smaller, and lower is better.",
    "KL": "Kullback-Leibler divergence: how far the code the encoder gives an input is from the prior, in nats; "
          "it is what a code costs, and near 0 means the code carries nothing.",
    "reconstruction": "How far the decoder's rebuilt picture or line is from the original, in nats: the part of "
                      "the ELBO that rewards a faithful copy.",
    "nats": "The unit of information these losses use (natural logarithms): 1 nat is about 1.44 bits, and "
            "0 would mean perfectly sure and right.",
    "beta": "The weight of the KL term in a VAE's loss: more gives smoother, blurrier codes, less gives "
            "sharper copies and a more tangled latent space.",
    "truncation": "Shrinks a GAN's random noise toward zero before drawing: lower values give cleaner, more "
                  "typical digits and less variety (1 leaves the noise alone).",
    "temperature": "How adventurous the writing is: each next-character chance is sharpened below 1 (safer, "
                   "more repetitive) and flattened above 1 (wilder, more mistakes).",
    "top-k": "Only the k likeliest next characters may be picked (0 turns it off).",
    "top-p": "Only the likeliest next characters whose chances add up to p may be picked (1 turns it off); "
             "also called nucleus sampling.",
    "greedy": "Always write the single likeliest next character: no randomness, the same text every time.",
    "surprise": "How unexpected a character was to the model, -log of the chance it gave it, in nats: "
                "0 means fully expected.",
    "FID": "Fréchet Inception Distance: how far the statistics of generated digits are from real ones, as our "
           "CNN's features see them; lower is better, and real digits against real digits score near 0.",
    "CAS": "Classification Accuracy Score: train a classifier only on a GAN's digits, then test it on real "
           "ones; the closer to a classifier trained on real digits, the more useful the GAN's digits.",
    "EMA": "Exponential moving average: the kept generator is an average of its recent weights, which "
           "smooths out the jitter of adversarial training.",
    "TTUR": "Two time-scale update rule: the discriminator learns with a larger step than the generator, so "
            "it keeps up without extra updates.",
    "Gumbel-softmax": "A way to let the text GAN's discriminator's feedback flow back through the choice of a "
                      "character, which is otherwise a jump that gradients cannot pass.",
    "discriminator": "The GAN's critic: a network that scores how real a digit looks, trained to tell real "
                     "digits from the generator's.",
    "generator": "The GAN's artist: a network that turns random noise into a digit, trained to fool the "
                 "discriminator.",
    "epoch": "One pass over all the training examples.",
    "Grad-CAM": "A heat map of where in the picture the CNN's last convolution layer found what made it choose "
                "its answer.",
    "saliency": "A heat map of the pixels whose ink pushed the model's answer up most (each pixel's ink times how "
                "much the answer's score rises with it).",
    "mode collapse": "A GAN that draws only a few kinds of digit, however its noise varies: some digits go "
                     "missing from its histogram.",
}

SPELLINGS = {  # other ways a tab writes a term
    "latent": ["latent space", "latents", "latent size", "latent dimensions"],
    "nats": ["nat", "nats/line", "nats per character", "nats per line"],
    "KL": ["KL term", "KL divergence", "KL share"],
    "surprise": ["surprisal"],
    "EMA": ["moving average"],
    "CAS": ["Classification Accuracy Score"],
    "FID": ["Fréchet"],
}


def page_glossary() -> str:
    """The glossary as the page's <head> carries it: a JSON script element ui/web/terms.js reads."""
    terms = [{"term": term, "definition": definition, "spellings": [term, *SPELLINGS.get(term, [])]}
             for term, definition in GLOSSARY.items()]
    data = json.dumps(terms, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="genlab-glossary">{data}</script>'
