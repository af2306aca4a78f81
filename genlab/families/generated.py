"""Training a classifier on digits a conditional GAN draws: the Classification Accuracy Score (Ravuri &
Vinyals 2019). A classifier learns only from generated digits, labelled with the digit asked for, and
is measured on the real test set beside the same classifier and budget trained on as many real ones:
a GAN whose digits are right, varied and cover every style scores as the real data does, while FID
and the reader's accuracy can look fine for a GAN that draws only the easy digits.

The classifier family's `train` builds its training split here, so a run on generated digits is an
ordinary classifier run wherever runs are made (genlab.families.training), and the GAN family's `evaluate`
scores a conditional GAN with it.
"""
from dataclasses import replace

import torch

from genlab.core.checkpoint import CheckpointError
from genlab.core.data import ImageSplit, load_mnist
from genlab.core.errors import RequestError
from genlab.models.classifier import CNN, CNNConfig
from genlab.models.gan import GAN
from genlab.models.loading import load_checkpoint
from genlab.train.classifier import ClassifierTraining, train_classifier
from genlab.train.gan import generate

# What every score trains: a CNN narrower than the committed one, with its augmentation, for the same
# number of steps on each split (one epoch of SCORED_DIGITS). A quarter of MNIST's training split
# teaches the CNN to read real digits well, so a visitor waits seconds, not minutes, and a
# gap between real and generated is the GAN's, not a budget too short to learn from either.
SCORING_CNN = CNNConfig(channels=(16, 32), hidden=64)
SCORING_TRAINING = ClassifierTraining(epochs=1.0, batch_size=128, lr=4e-3, log_every=100)
SCORED_DIGITS = 15_000  # for each of recipe A and B: real digits, then as many generated
FEW_REAL, MANY_GENERATED = 1_000, 10_000  # the mixed pair: can generated digits stand in for missing real ones?


class GeneratedDigitsError(RequestError):
    """Settings that ask for generated digits the run cannot have; the message says what to change."""


def balanced_subset(split: ImageSplit, count: int, seed: int) -> ImageSplit:
    """`count` digits of the split chosen with a fixed seed, as evenly over the ten as the split allows
    (taken in turn from each digit's shuffled list); the whole split, as it is, when it has no more."""
    if count >= len(split):
        return split
    order = torch.randperm(len(split), generator=torch.Generator().manual_seed(seed))
    labels = split.labels[order]
    turn = torch.empty_like(labels)  # the position of each image in its own digit's list
    for digit in labels.unique():
        mine = labels == digit
        turn[mine] = torch.arange(int(mine.sum()))
    chosen = order[torch.sort(turn, stable=True).indices[:count]]
    return ImageSplit(split.images[chosen], split.labels[chosen])


def conditional_gan(path: str, device: torch.device) -> GAN:
    """The conditional GAN saved at `path` (a checkpoint's path without suffix); any other checkpoint,
    or none there, is refused with a message for the person who named it."""
    try:
        model = load_checkpoint(path, device).model
    except CheckpointError as err:
        raise GeneratedDigitsError(f"The digits cannot be drawn: {err}") from None
    if not isinstance(model, GAN):
        raise GeneratedDigitsError(f"{path} is a {model.family} ({model.arch}), not a GAN: name a conditional "
                                   f"GAN's checkpoint (such as checkpoints/cdcgan) to draw the digits.")
    if not model.classes:
        raise GeneratedDigitsError(f"{path} is an unconditional GAN ({model.arch}): it cannot be asked for a "
                                   f"digit, so its digits have no labels. Name a conditional GAN (such as "
                                   f"checkpoints/cdcgan).")
    return model


def mixed_split(real: int, generated: int, gan: GAN | None, seed: int) -> ImageSplit:
    """`real` MNIST training digits (balanced_subset) and `generated` digits the GAN draws, balanced
    over the ten and labelled with the digit asked for, in one split."""
    split = balanced_subset(load_mnist(train=True), real, seed)
    if not generated:
        return split
    images, labels = generate(gan, generated, seed=seed)
    return ImageSplit(torch.cat([split.images, images]), torch.cat([split.labels, labels]))


def first_generated(gan: GAN, generated: int, per_digit: int, seed: int) -> ImageSplit:
    """The first `per_digit` digits of each kind that a run drawing `generated` digits with this seed
    learns from (mixed_split's generated part: its first chunk drawn again, the same noise and labels),
    sorted by the digit asked for: what a visitor can look at while the CNN learns from them."""
    images, labels = generate(gan, min(1000, generated), seed=seed)
    chosen = torch.cat([(labels == digit).nonzero().flatten()[:per_digit] for digit in range(gan.classes)])
    return ImageSplit(images[chosen], labels[chosen])


def training_split(settings: ClassifierTraining, device: torch.device) -> ImageSplit:
    """The digits a classifier run learns from, as its settings ask; refused before training if they
    cannot be had."""
    if settings.real_digits < 0 or settings.generated_digits < 0:
        raise GeneratedDigitsError("The numbers of real and generated digits cannot be negative.")
    if settings.real_digits + settings.generated_digits == 0:
        raise GeneratedDigitsError("Nothing to learn from: ask for some real digits, generated ones or both.")
    if settings.generated_digits and not settings.digits_from:
        raise GeneratedDigitsError("Generated digits need a conditional GAN to draw them: name its checkpoint "
                                   "(digits_from, such as checkpoints/cdcgan).")
    gan = conditional_gan(settings.digits_from, device) if settings.generated_digits else None
    return mixed_split(settings.real_digits, settings.generated_digits, gan, settings.seed)


def for_steps(settings: ClassifierTraining, digits: int, steps: int, evaluations: int = 1) -> ClassifierTraining:
    """The settings that train `steps` steps on a split of `digits` digits, however many it holds (the
    same budget for every split), measuring the test set `evaluations` times."""
    epochs = steps / max(1, digits // settings.batch_size)
    return replace(settings, epochs=epochs, evals_per_epoch=evaluations / epochs)


def budget_steps(settings: ClassifierTraining = SCORING_TRAINING, digits: int = SCORED_DIGITS) -> int:
    return round(settings.epochs * (digits // settings.batch_size))


SCORES = {  # what a visitor can ask the Train tab to score: (real, generated) digits of recipes A and B
    "generated": ((SCORED_DIGITS, 0), (0, SCORED_DIGITS)),
    "mixed": ((FEW_REAL, 0), (FEW_REAL, MANY_GENERATED)),
}


def scoring_recipes(score: str, digits_from: str, max_seconds: float) -> tuple[tuple, tuple]:
    """A score as two classifier runs to compare, (config, settings) each: recipe A on real digits,
    recipe B with the GAN's; the scoring CNN and the same steps for both, as eval trains them."""
    steps = budget_steps()
    recipes = []
    for real, generated in SCORES[score]:
        settings = for_steps(SCORING_TRAINING, real + generated, steps, evaluations=4)
        recipes.append((SCORING_CNN, replace(settings, real_digits=real, generated_digits=generated,
                                             digits_from=digits_from if generated else "", max_seconds=max_seconds,
                                             log_every=20)))
    return recipes[0], recipes[1]


def accuracy_after_training(train: ImageSplit, steps: int, settings: ClassifierTraining,
                            config: CNNConfig, device: torch.device) -> float:
    """A fresh CNN trained on `train` for `steps` steps (however many digits it holds), measured on
    the real test set."""
    torch.manual_seed(settings.seed)
    model = CNN(config)
    settings = for_steps(settings, len(train), steps)  # no evaluation before the end
    for event in train_classifier(model, train, load_mnist(train=False), settings, device):
        pass
    return event.metrics["test_accuracy"]


def accuracy_scores(gan: GAN, device: torch.device, digits: int = SCORED_DIGITS,
                    settings: ClassifierTraining = SCORING_TRAINING, config: CNNConfig = SCORING_CNN,
                    few_real: int = FEW_REAL, many_generated: int = MANY_GENERATED) -> dict[str, float]:
    """The same CNN trained in the same budget (the steps `settings` gives for `digits` digits) on
    `digits` generated digits, on as many real ones, on `few_real` real ones, and on those and
    `many_generated` generated ones; each measured on the real test set."""
    steps = budget_steps(settings, digits)
    splits = {
        "cas_generated": (0, digits),
        "cas_real": (digits, 0),
        "cas_few_real": (few_real, 0),
        "cas_few_real_and_generated": (few_real, many_generated),
    }
    return {key: accuracy_after_training(mixed_split(real, generated, gan, settings.seed), steps, settings, config,
                                         device)
            for key, (real, generated) in splits.items()}
