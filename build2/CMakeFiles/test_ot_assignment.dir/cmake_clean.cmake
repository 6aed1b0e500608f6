file(REMOVE_RECURSE
  "CMakeFiles/test_ot_assignment.dir/tests/test_ot_assignment.c.o"
  "CMakeFiles/test_ot_assignment.dir/tests/test_ot_assignment.c.o.d"
  "test_ot_assignment"
  "test_ot_assignment.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_ot_assignment.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
