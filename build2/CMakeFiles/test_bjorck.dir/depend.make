# Empty dependencies file for test_bjorck.
# This may be replaced when dependencies are built.
