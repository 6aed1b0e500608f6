file(REMOVE_RECURSE
  "CMakeFiles/bench_lipschitz.dir/bench/bench_lipschitz.c.o"
  "CMakeFiles/bench_lipschitz.dir/bench/bench_lipschitz.c.o.d"
  "bench_lipschitz"
  "bench_lipschitz.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_lipschitz.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
