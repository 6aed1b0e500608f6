# Empty dependencies file for test_gradient_penalty.
# This may be replaced when dependencies are built.
