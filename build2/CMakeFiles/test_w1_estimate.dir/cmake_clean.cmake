file(REMOVE_RECURSE
  "CMakeFiles/test_w1_estimate.dir/tests/test_w1_estimate.c.o"
  "CMakeFiles/test_w1_estimate.dir/tests/test_w1_estimate.c.o.d"
  "test_w1_estimate"
  "test_w1_estimate.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_w1_estimate.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
