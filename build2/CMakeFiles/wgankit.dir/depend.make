# Empty dependencies file for wgankit.
# This may be replaced when dependencies are built.
