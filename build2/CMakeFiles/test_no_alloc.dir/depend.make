# Empty dependencies file for test_no_alloc.
# This may be replaced when dependencies are built.
