file(REMOVE_RECURSE
  "CMakeFiles/test_gan.dir/tests/test_gan.c.o"
  "CMakeFiles/test_gan.dir/tests/test_gan.c.o.d"
  "test_gan"
  "test_gan.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_gan.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
