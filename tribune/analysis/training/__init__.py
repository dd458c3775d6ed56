"""Training and evaluation of the analysis heads (needs scikit-learn and the shared data)."""
