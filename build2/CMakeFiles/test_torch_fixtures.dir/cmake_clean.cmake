file(REMOVE_RECURSE
  "CMakeFiles/test_torch_fixtures.dir/tests/test_torch_fixtures.c.o"
  "CMakeFiles/test_torch_fixtures.dir/tests/test_torch_fixtures.c.o.d"
  "test_torch_fixtures"
  "test_torch_fixtures.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_torch_fixtures.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
