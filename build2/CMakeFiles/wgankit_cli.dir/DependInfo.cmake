
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-gan/src/cli/cmd_critic.c" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_critic.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_critic.c.o.d"
  "/work/wt-gan/src/cli/cmd_data.c" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_data.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_data.c.o.d"
  "/work/wt-gan/src/cli/cmd_eval.c" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_eval.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_eval.c.o.d"
  "/work/wt-gan/src/cli/cmd_report.c" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_report.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_report.c.o.d"
  "/work/wt-gan/src/cli/cmd_sample.c" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_sample.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_sample.c.o.d"
  "/work/wt-gan/src/cli/cmd_train.c" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_train.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_train.c.o.d"
  "/work/wt-gan/src/cli/cmd_w1.c" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_w1.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/cmd_w1.c.o.d"
  "/work/wt-gan/src/cli/gan_flags.c" "CMakeFiles/wgankit_cli.dir/src/cli/gan_flags.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/gan_flags.c.o.d"
  "/work/wt-gan/src/cli/main.c" "CMakeFiles/wgankit_cli.dir/src/cli/main.c.o" "gcc" "CMakeFiles/wgankit_cli.dir/src/cli/main.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-gan/build2/CMakeFiles/wgankit.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
