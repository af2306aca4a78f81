"""The floor for the benchmark's app latencies: the same Gradio stack, queue and client with
endpoints that do nothing but echo text or return a blank 224x224 PNG.
`python -m genlab bench` starts it beside the real app (`python -m benchmarks.reference_app`)."""
import os

import gradio as gr
import numpy as np

BLANK = np.full((224, 224), 255, np.uint8)

with gr.Blocks() as demo:
    text, echo = gr.Textbox(), gr.Textbox()
    image = gr.Image(format="png")
    text.submit(lambda value: value, text, echo, api_name="noop")
    text.change(lambda value: BLANK, text, image, api_name="blank_image")

if __name__ == "__main__":
    demo.queue().launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
