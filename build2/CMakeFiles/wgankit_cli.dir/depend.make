# Empty dependencies file for wgankit_cli.
# This may be replaced when dependencies are built.
