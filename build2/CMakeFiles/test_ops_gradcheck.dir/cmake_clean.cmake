file(REMOVE_RECURSE
  "CMakeFiles/test_ops_gradcheck.dir/tests/test_ops_gradcheck.c.o"
  "CMakeFiles/test_ops_gradcheck.dir/tests/test_ops_gradcheck.c.o.d"
  "test_ops_gradcheck"
  "test_ops_gradcheck.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_ops_gradcheck.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
