file(REMOVE_RECURSE
  "CMakeFiles/test_no_alloc.dir/tests/test_no_alloc.c.o"
  "CMakeFiles/test_no_alloc.dir/tests/test_no_alloc.c.o.d"
  "test_no_alloc"
  "test_no_alloc.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_no_alloc.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
