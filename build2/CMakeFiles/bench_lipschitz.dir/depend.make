# Empty dependencies file for bench_lipschitz.
# This may be replaced when dependencies are built.
