"""Imported by the training fork server only: read the datasets once there, so that every training
run forked from it starts with them already in memory instead of spending seconds reading them."""
from genlab.data import DataMissingError, load_mnist

try:
    load_mnist(train=True)
    load_mnist(train=False)
except DataMissingError:
    pass  # a run that needs the data reports what is missing and where to put it
