"""The app as visitors meet it: `python app.py` started on a free loopback port and driven through
gradio_client, beside the same work done by the models alone (genlab.commands.bench) in the same run."""
