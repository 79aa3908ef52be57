"""ehdmm: benchmarking dashboard for the Data Maturity Model for Early Help Services."""

__version__ = "0.1.0"
