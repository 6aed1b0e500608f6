file(REMOVE_RECURSE
  "CMakeFiles/test_gradient_penalty.dir/tests/test_gradient_penalty.c.o"
  "CMakeFiles/test_gradient_penalty.dir/tests/test_gradient_penalty.c.o.d"
  "test_gradient_penalty"
  "test_gradient_penalty.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_gradient_penalty.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
