"""Every architecture genlab knows, by the name checkpoints record: the one place a new model registers."""
from dataclasses import dataclass

from torch import nn

from genlab.models.classifier import CNN, MLP, CNNConfig, MLPConfig
from genlab.models.gan import CDCGAN, DCGAN, MLPGAN, CDCGANConfig, DCGANConfig, MLPGANConfig
from genlab.models.lstm import CharLSTM, CharLSTMConfig
from genlab.models.text_gan import TextGAN, TextGANConfig
from genlab.models.text_vae import TextVAE, TextVAEConfig
from genlab.models.vae import VAE, VAEConfig


@dataclass(frozen=True)
class Architecture:
    model: type[nn.Module]
    config: type
    family: str


ARCHITECTURES: dict[str, Architecture] = {
    "cnn": Architecture(CNN, CNNConfig, "classifier"),
    "mlp": Architecture(MLP, MLPConfig, "classifier"),
    "vae": Architecture(VAE, VAEConfig, "vae"),
    "mlpgan": Architecture(MLPGAN, MLPGANConfig, "gan"),
    "dcgan": Architecture(DCGAN, DCGANConfig, "gan"),
    "cdcgan": Architecture(CDCGAN, CDCGANConfig, "gan"),
    "lstm": Architecture(CharLSTM, CharLSTMConfig, "lstm"),
    "textvae": Architecture(TextVAE, TextVAEConfig, "textvae"),
    "textgan": Architecture(TextGAN, TextGANConfig, "textgan"),
}


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
