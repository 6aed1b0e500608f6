# Empty dependencies file for test_torch_fixtures.
# This may be replaced when dependencies are built.
