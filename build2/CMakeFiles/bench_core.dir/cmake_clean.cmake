file(REMOVE_RECURSE
  "CMakeFiles/bench_core.dir/bench/bench_core.c.o"
  "CMakeFiles/bench_core.dir/bench/bench_core.c.o.d"
  "bench_core"
  "bench_core.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
