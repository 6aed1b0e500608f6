file(REMOVE_RECURSE
  "CMakeFiles/test_autodiff_errors.dir/tests/test_autodiff_errors.c.o"
  "CMakeFiles/test_autodiff_errors.dir/tests/test_autodiff_errors.c.o.d"
  "test_autodiff_errors"
  "test_autodiff_errors.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_autodiff_errors.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
