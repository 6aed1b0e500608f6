file(REMOVE_RECURSE
  "CMakeFiles/bench_critic_step.dir/bench/bench_critic_step.c.o"
  "CMakeFiles/bench_critic_step.dir/bench/bench_critic_step.c.o.d"
  "bench_critic_step"
  "bench_critic_step.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_critic_step.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
