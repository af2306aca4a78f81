"""The Gradio tabs: thin layers over the genlab package, one module a tab."""
