file(REMOVE_RECURSE
  "CMakeFiles/test_io_arrays.dir/tests/test_io_arrays.c.o"
  "CMakeFiles/test_io_arrays.dir/tests/test_io_arrays.c.o.d"
  "test_io_arrays"
  "test_io_arrays.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_io_arrays.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
