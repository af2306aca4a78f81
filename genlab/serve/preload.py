"""Imported by the training fork server only: read the datasets once there, and the committed CNN's
features of the test digits (what every GAN run's FID is measured against), so that every training
run forked from it starts with them already in memory instead of spending seconds on them.

The fork server stays single-threaded (one torch thread): a process forked from one whose OpenMP
thread pool has started hangs at its first parallel operation. Each run sets its own threads.
"""
import torch

from genlab.core.checkpoint import CheckpointError
from genlab.core.data import DataMissingError, load_mnist
from genlab.measure.judges import digit_reader
from genlab.measure.metrics import reference_features

torch.set_num_threads(1)
try:
    load_mnist(train=True)
    # On the CPU only: the fork server must never touch CUDA (its children could not use it). A run on
    # a GPU reads them there in a moment anyway.
    reference_features(digit_reader(torch.device("cpu")), load_mnist(train=False).images)
except (DataMissingError, CheckpointError):
    pass  # a run that needs them reports what is missing and where to put it
