# Empty dependencies file for bench_critic_step.
# This may be replaced when dependencies are built.
