# Empty dependencies file for test_write.
# This may be replaced when dependencies are built.
