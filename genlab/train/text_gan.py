"""The text GAN's training loop: maximum-likelihood pre-training of the generator, then adversarial
training against the line critic (non-saturating loss through straight-through Gumbel-softmax),
with a maximum-likelihood term that keeps the generator near the data. Yields TrainEvents."""
from dataclasses import dataclass, replace
from typing import Iterator

import torch
import torch.nn.functional as F

from genlab.core.lines import Lines, line_batch, line_nll, line_statistics, lm_line_nll, nats_per_char, sample_lines
from genlab.models.text_gan import TextGAN
from genlab.train.loop import Clock, RunningMean, Schedule, Stop, TrainEvent, descend, set_lr, shuffled_batches


@dataclass
class TextGANTraining:
    epochs: float = 20.0  # maximum-likelihood pre-training: passes over the training lines
    adversarial_steps: int = 2000
    batch_size: int = 64
    lr: float = 2e-3  # pre-training
    adversarial_lr: float = 1e-4
    mle_weight: float = 0.5  # weight of the likelihood term in the generator's adversarial loss
    real_label: float = 0.9  # one-sided label smoothing
    pretrain_share: float = 0.5  # of max_seconds, when there is a time cap
    grad_clip: float = 1.0
    seed: int = 0
    log_every: int = 20
    preview_every: int = 200
    max_seconds: float | None = None
    text_file: str = ""  # a UTF-8 text to take the lines from instead of tiny-shakespeare


def preview(model: TextGAN, device: torch.device, count: int = 8) -> str:
    """Lines from the generator with a fixed seed, so successive previews show the same draws changing."""
    return "\n".join(sample_lines(model.generator, count, model.config.max_chars, device, seed=0))


def text_gan_metrics(model: TextGAN, lines: Lines, device: torch.device, judge: torch.nn.Module | None = None,
                     count: int = 1000) -> dict:
    """For 1000 lines from the generator and from its pre-trained copy: their statistics (nats per
    character under the judge LSTM, distinct n-grams, copies of training lines) and each model's nats
    per character on the held-out lines (how much of real text it still covers)."""
    training_lines = set(lines.train)
    measured = {}
    for prefix, lm in (("", model.generator), ("pretrained_", model.pretrained)):
        samples = sample_lines(lm, count, model.config.max_chars, device, seed=1)
        for key, value in line_statistics(samples, judge, device, training_lines).items():
            measured[prefix + "samples_" + key] = value
        measured[prefix + "val_nats_per_char"] = round(nats_per_char(lm_line_nll(lm, lines.val, device), lines.val), 4)
    return measured


def train_text_gan(model: TextGAN, lines: Lines, settings: TextGANTraining, device: torch.device,
                   judge: torch.nn.Module | None = None, stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Train in place; losses are nats per character (pre-training) and the GAN losses after."""
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    model.to(device).train()
    lm, critic, vocab = model.generator, model.discriminator, model.config.vocab
    pretraining = Schedule.plan(len(lines.train), settings.batch_size, settings.epochs, 1.0)
    schedule = replace(pretraining, total_steps=pretraining.total_steps + settings.adversarial_steps)
    clock, running = Clock(settings.max_seconds, stop), RunningMean()
    pretrain_clock = Clock(settings.max_seconds and settings.max_seconds * settings.pretrain_share, stop)
    batches = shuffled_batches(len(lines.train), settings.batch_size, generator)
    width = model.config.max_chars + 1

    def real_batch():
        return line_batch([lines.train[i] for i in next(batches)], vocab).to(device)

    def mle_loss(batch):
        return line_nll(lm(batch.inputs)[0], batch).sum() / batch.lengths.sum()

    optimizer = torch.optim.Adam(lm.parameters(), lr=settings.lr)
    step = 0
    while step < pretraining.total_steps and not pretrain_clock.should_stop():
        set_lr(optimizer, pretraining.cosine_lr(step, settings.lr, pretrain_clock))
        loss = mle_loss(real_batch())
        if not descend(optimizer, loss, clock, settings.grad_clip):  # the run's clock: a halt ends both phases
            break
        step += 1
        running.add(mle=loss.detach())
        if step % settings.log_every == 0 or step % pretraining.eval_every == 0:
            event = schedule.event(step, clock, running)
            if step % pretraining.eval_every == 0:
                event.metrics = {"val_nats_per_char": nats_per_char(lm_line_nll(lm, lines.val, device), lines.val)}
                event.preview = preview(model, device)
            yield event
    model.keep_pretrained()
    schedule.total_steps = step + settings.adversarial_steps

    g_opt = torch.optim.Adam(lm.parameters(), lr=settings.adversarial_lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(critic.parameters(), lr=settings.adversarial_lr, betas=(0.5, 0.999))
    while step < schedule.total_steps and not clock.should_stop():
        real = real_batch()
        real_onehots = F.one_hot(real.targets, len(vocab)).float() * real.mask[..., None]
        real_onehots = F.pad(real_onehots, (0, 0, 0, width - real_onehots.shape[1]))
        fake = model.rollout(settings.batch_size)
        real_logits, fake_logits = critic(real_onehots), critic(fake.detach())
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, settings.real_label))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        if not descend(d_opt, d_loss, clock):
            break

        g_logits = critic(fake)
        adversarial = F.binary_cross_entropy_with_logits(g_logits, torch.ones_like(g_logits))  # non-saturating
        mle = mle_loss(real)
        if not descend(g_opt, adversarial + settings.mle_weight * mle, clock, settings.grad_clip):
            break
        step += 1
        running.add(d_loss=d_loss.detach(), g_loss=adversarial.detach(), mle=mle.detach(),
                    d_real=torch.sigmoid(real_logits).mean().detach(), d_fake=torch.sigmoid(fake_logits).mean().detach())
        if step % settings.log_every == 0 or step % settings.preview_every == 0:
            event = schedule.event(step, clock, running)
            if step % settings.preview_every == 0:
                event.preview = preview(model, device)
            yield event

    model.eval()
    yield schedule.event(step, clock, running, metrics=text_gan_metrics(model, lines, device, judge),
                         preview=preview(model, device), done=True)
