"""The training loops, one per family: each trains a model in place and yields TrainEvents.
genlab/families/training.py builds a model and saves what its loop trained."""
