"""Imported by the training fork server only: read the datasets once there, so that every training
run forked from it starts with them already in memory instead of spending seconds reading them.

The fork server stays single-threaded (one torch thread): a process forked from one whose OpenMP
thread pool has started hangs at its first parallel operation. Each run sets its own threads.
"""
import torch

from genlab.core.data import DataMissingError, load_mnist

torch.set_num_threads(1)
try:
    load_mnist(train=True)
    load_mnist(train=False)
except DataMissingError:
    pass  # a run that needs the data reports what is missing and where to put it
