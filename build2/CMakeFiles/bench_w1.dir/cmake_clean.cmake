file(REMOVE_RECURSE
  "CMakeFiles/bench_w1.dir/bench/bench_w1.c.o"
  "CMakeFiles/bench_w1.dir/bench/bench_w1.c.o.d"
  "bench_w1"
  "bench_w1.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_w1.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
