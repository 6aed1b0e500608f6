# Empty dependencies file for test_gan.
# This may be replaced when dependencies are built.
