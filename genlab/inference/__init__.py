"""What each tab does with a loaded model, as plain functions that raise RequestError for a request a
person can put right: read a digit, decode a latent code, sample a GAN, write text, rebuild a line."""
