# Empty dependencies file for bench_w1.
# This may be replaced when dependencies are built.
