"""How a model is measured (FID, ELBO, accuracy, nats per character) and the committed models that
measure others (the CNN reads digits, the LSTM reads lines): used by the loops as they learn and by eval."""
