file(REMOVE_RECURSE
  "CMakeFiles/test_lipschitz_critic.dir/tests/test_lipschitz_critic.c.o"
  "CMakeFiles/test_lipschitz_critic.dir/tests/test_lipschitz_critic.c.o.d"
  "test_lipschitz_critic"
  "test_lipschitz_critic.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_lipschitz_critic.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
