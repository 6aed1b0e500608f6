# Empty dependencies file for test_ot_assignment.
# This may be replaced when dependencies are built.
