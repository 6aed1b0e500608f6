file(REMOVE_RECURSE
  "CMakeFiles/test_png.dir/tests/test_png.c.o"
  "CMakeFiles/test_png.dir/tests/test_png.c.o.d"
  "test_png"
  "test_png.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_png.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
