# Empty dependencies file for test_ot_exact.
# This may be replaced when dependencies are built.
