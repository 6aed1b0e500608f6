# Empty dependencies file for test_io_arrays.
# This may be replaced when dependencies are built.
