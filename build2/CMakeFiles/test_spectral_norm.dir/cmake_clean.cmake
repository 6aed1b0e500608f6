file(REMOVE_RECURSE
  "CMakeFiles/test_spectral_norm.dir/tests/test_spectral_norm.c.o"
  "CMakeFiles/test_spectral_norm.dir/tests/test_spectral_norm.c.o.d"
  "test_spectral_norm"
  "test_spectral_norm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_spectral_norm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
