file(REMOVE_RECURSE
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_critic.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_critic.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_data.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_data.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_eval.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_eval.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_report.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_report.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_sample.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_sample.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_train.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_train.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_w1.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/cmd_w1.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/gan_flags.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/gan_flags.c.o.d"
  "CMakeFiles/wgankit_cli.dir/src/cli/main.c.o"
  "CMakeFiles/wgankit_cli.dir/src/cli/main.c.o.d"
  "wgankit"
  "wgankit.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/wgankit_cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
