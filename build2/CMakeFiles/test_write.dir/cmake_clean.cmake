file(REMOVE_RECURSE
  "CMakeFiles/test_write.dir/tests/test_write.c.o"
  "CMakeFiles/test_write.dir/tests/test_write.c.o.d"
  "test_write"
  "test_write.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_write.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
