# Empty dependencies file for test_ops_gradcheck.
# This may be replaced when dependencies are built.
