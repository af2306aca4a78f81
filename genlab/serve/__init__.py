"""The lab on a server, knowing nothing of Gradio: the models it serves (lab), visitors' own models
(shelf), their training runs (runs), fair shares of the queue, and the graphs the page runs (export, web_models)."""
