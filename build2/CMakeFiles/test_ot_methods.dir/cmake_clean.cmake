file(REMOVE_RECURSE
  "CMakeFiles/test_ot_methods.dir/tests/test_ot_methods.c.o"
  "CMakeFiles/test_ot_methods.dir/tests/test_ot_methods.c.o.d"
  "test_ot_methods"
  "test_ot_methods.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_ot_methods.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
