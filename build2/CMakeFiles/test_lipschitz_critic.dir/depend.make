# Empty dependencies file for test_lipschitz_critic.
# This may be replaced when dependencies are built.
