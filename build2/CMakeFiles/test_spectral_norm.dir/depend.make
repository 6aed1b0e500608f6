# Empty dependencies file for test_spectral_norm.
# This may be replaced when dependencies are built.
