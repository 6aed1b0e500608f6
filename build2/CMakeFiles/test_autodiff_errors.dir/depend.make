# Empty dependencies file for test_autodiff_errors.
# This may be replaced when dependencies are built.
