# Empty dependencies file for test_ot_methods.
# This may be replaced when dependencies are built.
