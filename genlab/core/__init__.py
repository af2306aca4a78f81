"""The ground floor, which knows no model: the checkpoint format, the data sets (MNIST, tiny-shakespeare,
a corpus and its lines), the device, seeds, pictures of digits and the refusal every layer raises."""
