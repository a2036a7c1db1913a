"""HTTP layer: thin routes over app.arithmetic, one module per feature."""
