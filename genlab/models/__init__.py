"""The networks, one module each: an nn.Module with a config dataclass, and the `arch` and `family`
names its checkpoints record. genlab/families/ says how each is trained, measured and used."""
