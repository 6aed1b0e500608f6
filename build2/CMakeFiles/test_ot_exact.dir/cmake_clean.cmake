file(REMOVE_RECURSE
  "CMakeFiles/test_ot_exact.dir/tests/test_ot_exact.c.o"
  "CMakeFiles/test_ot_exact.dir/tests/test_ot_exact.c.o.d"
  "test_ot_exact"
  "test_ot_exact.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_ot_exact.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
