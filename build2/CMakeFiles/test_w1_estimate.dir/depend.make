# Empty dependencies file for test_w1_estimate.
# This may be replaced when dependencies are built.
