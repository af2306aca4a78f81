"""The sentence VAE's training loop: KL annealing, free bits and word dropout against posterior
collapse, yielding TrainEvents whose losses are nats per line."""
from dataclasses import dataclass
from typing import Iterator

import torch

from genlab.core.lines import Lines, line_batch, line_nll
from genlab.measure.metrics import text_vae_metrics
from genlab.models.text_vae import TextVAE
from genlab.models.vae import kl_per_dim
from genlab.train.loop import Clock, RunningMean, Schedule, Stop, TrainEvent, descend, set_lr, shuffled_batches


@dataclass
class TextVAETraining:
    epochs: float = 40.0
    batch_size: int = 64
    lr: float = 2e-3
    beta: float = 1.0
    kl_warmup_steps: int = 4000  # the KL weight ramps from 0 to beta, so the decoder learns to use z first
    free_bits: float = 0.5  # nats per latent dimension the KL term is not pushed below (Kingma et al. 2016)
    word_dropout: float = 0.3  # share of the decoder's input characters blanked (Bowman et al. 2016)
    grad_clip: float = 1.0
    seed: int = 0
    log_every: int = 20
    evals_per_epoch: float = 1.0
    eval_lines: int = 1000  # held-out lines read at each evaluation; the final one reads all
    max_seconds: float | None = None
    text_file: str = ""  # a UTF-8 text to take the lines from instead of tiny-shakespeare


@torch.no_grad()
def preview(model: TextVAE, val: list[str], device: torch.device) -> str:
    """Four held-out lines and their greedy reconstructions, then four lines from the prior (fixed noise)."""
    model.eval()
    originals = val[:: max(1, len(val) // 4)][:4]
    mean, _ = model.encode(line_batch(originals, model.config.vocab).to(device))
    z = torch.randn(4, model.config.latent, generator=torch.Generator().manual_seed(0)).to(device)
    rows = [f"{a}  ->  {b}" for a, b in zip(originals, model.decode(mean))]
    rows += ["from the prior:"] + [f"  {line}" for line in model.decode(z)]
    model.train()
    return "\n".join(rows)


def train_text_vae(model: TextVAE, lines: Lines, settings: TextVAETraining, device: torch.device,
                   baselines: dict[str, torch.nn.Module] | None = None,
                   stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Train in place with Adam and a cosine schedule; the final event holds text_vae_metrics, with the
    no-latent baselines (character LMs of the same vocabulary) it is given."""
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    schedule = Schedule.plan(len(lines.train), settings.batch_size, settings.epochs, settings.evals_per_epoch)
    clock, running = Clock(settings.max_seconds, stop), RunningMean()
    batches = shuffled_batches(len(lines.train), settings.batch_size, generator)

    step = 0
    while step < schedule.total_steps and not clock.should_stop():
        batch = line_batch([lines.train[i] for i in next(batches)], model.config.vocab).to(device)
        set_lr(optimizer, schedule.cosine_lr(step, settings.lr, clock))
        kl_weight = settings.beta * min(1.0, (step + 1) / max(1, settings.kl_warmup_steps))
        logits, mean, log_var = model(batch, settings.word_dropout, generator)
        recon = line_nll(logits, batch).mean()
        kl_dims = kl_per_dim(mean, log_var).mean(0)
        kl_term = kl_dims.clamp(min=settings.free_bits).sum()  # no pull below the free bits
        if not descend(optimizer, recon + kl_weight * kl_term, clock, settings.grad_clip):
            break
        step += 1
        kl = kl_dims.sum().detach()
        running.add(neg_elbo=recon.detach() + kl, recon=recon.detach(), kl=kl)

        measure = schedule.measure_now(step, clock)
        if step % settings.log_every == 0 or measure:
            event = schedule.event(step, clock, running)
            if measure:
                with schedule.measuring(clock):
                    measured = text_vae_metrics(model, lines.val[:settings.eval_lines], device, exact_lines=100)
                    event.metrics = {k: measured[k] for k in ("val_neg_elbo", "val_kl")}
                    event.preview = preview(model, lines.val, device)
            yield event

    model.eval()
    yield schedule.event(step, clock, running, metrics=text_vae_metrics(model, lines.val, device, baselines),
                         preview=preview(model, lines.val, device), done=True)
