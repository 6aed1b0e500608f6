file(REMOVE_RECURSE
  "CMakeFiles/test_bjorck.dir/tests/test_bjorck.c.o"
  "CMakeFiles/test_bjorck.dir/tests/test_bjorck.c.o.d"
  "test_bjorck"
  "test_bjorck.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_bjorck.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
