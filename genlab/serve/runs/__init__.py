"""Training runs started from the browser, one job a module: what a run is (run), the line of waiting
runs with its slots and one run per visitor (line), the process a run trains in (process), the GPU a
lender may lend it instead (gpu), and what its training reports wherever it trains (reports). A
finished run's model goes onto the visitor's shelf (genlab.serve.shelf)."""
