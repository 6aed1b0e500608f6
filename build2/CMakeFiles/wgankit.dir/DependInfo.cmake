
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-gan/src/core/broadcast.c" "CMakeFiles/wgankit.dir/src/core/broadcast.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/broadcast.c.o.d"
  "/work/wt-gan/src/core/error.c" "CMakeFiles/wgankit.dir/src/core/error.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/error.c.o.d"
  "/work/wt-gan/src/core/graph.c" "CMakeFiles/wgankit.dir/src/core/graph.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/graph.c.o.d"
  "/work/wt-gan/src/core/ops_binary.c" "CMakeFiles/wgankit.dir/src/core/ops_binary.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/ops_binary.c.o.d"
  "/work/wt-gan/src/core/ops_conv.c" "CMakeFiles/wgankit.dir/src/core/ops_conv.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/ops_conv.c.o.d"
  "/work/wt-gan/src/core/ops_matmul.c" "CMakeFiles/wgankit.dir/src/core/ops_matmul.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/ops_matmul.c.o.d"
  "/work/wt-gan/src/core/ops_norm.c" "CMakeFiles/wgankit.dir/src/core/ops_norm.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/ops_norm.c.o.d"
  "/work/wt-gan/src/core/ops_reduce.c" "CMakeFiles/wgankit.dir/src/core/ops_reduce.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/ops_reduce.c.o.d"
  "/work/wt-gan/src/core/ops_shape.c" "CMakeFiles/wgankit.dir/src/core/ops_shape.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/ops_shape.c.o.d"
  "/work/wt-gan/src/core/ops_unary.c" "CMakeFiles/wgankit.dir/src/core/ops_unary.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/ops_unary.c.o.d"
  "/work/wt-gan/src/core/rng.c" "CMakeFiles/wgankit.dir/src/core/rng.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/rng.c.o.d"
  "/work/wt-gan/src/core/tensor.c" "CMakeFiles/wgankit.dir/src/core/tensor.c.o" "gcc" "CMakeFiles/wgankit.dir/src/core/tensor.c.o.d"
  "/work/wt-gan/src/data/files.c" "CMakeFiles/wgankit.dir/src/data/files.c.o" "gcc" "CMakeFiles/wgankit.dir/src/data/files.c.o.d"
  "/work/wt-gan/src/data/synthetic.c" "CMakeFiles/wgankit.dir/src/data/synthetic.c.o" "gcc" "CMakeFiles/wgankit.dir/src/data/synthetic.c.o.d"
  "/work/wt-gan/src/gan/checkpoint.c" "CMakeFiles/wgankit.dir/src/gan/checkpoint.c.o" "gcc" "CMakeFiles/wgankit.dir/src/gan/checkpoint.c.o.d"
  "/work/wt-gan/src/gan/config.c" "CMakeFiles/wgankit.dir/src/gan/config.c.o" "gcc" "CMakeFiles/wgankit.dir/src/gan/config.c.o.d"
  "/work/wt-gan/src/gan/evaluate.c" "CMakeFiles/wgankit.dir/src/gan/evaluate.c.o" "gcc" "CMakeFiles/wgankit.dir/src/gan/evaluate.c.o.d"
  "/work/wt-gan/src/gan/losses.c" "CMakeFiles/wgankit.dir/src/gan/losses.c.o" "gcc" "CMakeFiles/wgankit.dir/src/gan/losses.c.o.d"
  "/work/wt-gan/src/gan/run.c" "CMakeFiles/wgankit.dir/src/gan/run.c.o" "gcc" "CMakeFiles/wgankit.dir/src/gan/run.c.o.d"
  "/work/wt-gan/src/gan/trainer.c" "CMakeFiles/wgankit.dir/src/gan/trainer.c.o" "gcc" "CMakeFiles/wgankit.dir/src/gan/trainer.c.o.d"
  "/work/wt-gan/src/io/array_read.c" "CMakeFiles/wgankit.dir/src/io/array_read.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/array_read.c.o.d"
  "/work/wt-gan/src/io/atomic_file.c" "CMakeFiles/wgankit.dir/src/io/atomic_file.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/atomic_file.c.o.d"
  "/work/wt-gan/src/io/csv_read.c" "CMakeFiles/wgankit.dir/src/io/csv_read.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/csv_read.c.o.d"
  "/work/wt-gan/src/io/idx_read.c" "CMakeFiles/wgankit.dir/src/io/idx_read.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/idx_read.c.o.d"
  "/work/wt-gan/src/io/json.c" "CMakeFiles/wgankit.dir/src/io/json.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/json.c.o.d"
  "/work/wt-gan/src/io/npy_read.c" "CMakeFiles/wgankit.dir/src/io/npy_read.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/npy_read.c.o.d"
  "/work/wt-gan/src/io/png.c" "CMakeFiles/wgankit.dir/src/io/png.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/png.c.o.d"
  "/work/wt-gan/src/io/read_util.c" "CMakeFiles/wgankit.dir/src/io/read_util.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/read_util.c.o.d"
  "/work/wt-gan/src/io/report.c" "CMakeFiles/wgankit.dir/src/io/report.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/report.c.o.d"
  "/work/wt-gan/src/io/safetensors.c" "CMakeFiles/wgankit.dir/src/io/safetensors.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/safetensors.c.o.d"
  "/work/wt-gan/src/io/scatter.c" "CMakeFiles/wgankit.dir/src/io/scatter.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/scatter.c.o.d"
  "/work/wt-gan/src/io/strbuf.c" "CMakeFiles/wgankit.dir/src/io/strbuf.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/strbuf.c.o.d"
  "/work/wt-gan/src/io/svg.c" "CMakeFiles/wgankit.dir/src/io/svg.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/svg.c.o.d"
  "/work/wt-gan/src/io/write.c" "CMakeFiles/wgankit.dir/src/io/write.c.o" "gcc" "CMakeFiles/wgankit.dir/src/io/write.c.o.d"
  "/work/wt-gan/src/lipschitz/bjorck.c" "CMakeFiles/wgankit.dir/src/lipschitz/bjorck.c.o" "gcc" "CMakeFiles/wgankit.dir/src/lipschitz/bjorck.c.o.d"
  "/work/wt-gan/src/lipschitz/constraints.c" "CMakeFiles/wgankit.dir/src/lipschitz/constraints.c.o" "gcc" "CMakeFiles/wgankit.dir/src/lipschitz/constraints.c.o.d"
  "/work/wt-gan/src/lipschitz/lipschitz.c" "CMakeFiles/wgankit.dir/src/lipschitz/lipschitz.c.o" "gcc" "CMakeFiles/wgankit.dir/src/lipschitz/lipschitz.c.o.d"
  "/work/wt-gan/src/lipschitz/penalty.c" "CMakeFiles/wgankit.dir/src/lipschitz/penalty.c.o" "gcc" "CMakeFiles/wgankit.dir/src/lipschitz/penalty.c.o.d"
  "/work/wt-gan/src/lipschitz/report.c" "CMakeFiles/wgankit.dir/src/lipschitz/report.c.o" "gcc" "CMakeFiles/wgankit.dir/src/lipschitz/report.c.o.d"
  "/work/wt-gan/src/lipschitz/spectral.c" "CMakeFiles/wgankit.dir/src/lipschitz/spectral.c.o" "gcc" "CMakeFiles/wgankit.dir/src/lipschitz/spectral.c.o.d"
  "/work/wt-gan/src/metrics/modes.c" "CMakeFiles/wgankit.dir/src/metrics/modes.c.o" "gcc" "CMakeFiles/wgankit.dir/src/metrics/modes.c.o.d"
  "/work/wt-gan/src/nn/builders.c" "CMakeFiles/wgankit.dir/src/nn/builders.c.o" "gcc" "CMakeFiles/wgankit.dir/src/nn/builders.c.o.d"
  "/work/wt-gan/src/nn/model.c" "CMakeFiles/wgankit.dir/src/nn/model.c.o" "gcc" "CMakeFiles/wgankit.dir/src/nn/model.c.o.d"
  "/work/wt-gan/src/optim/optim.c" "CMakeFiles/wgankit.dir/src/optim/optim.c.o" "gcc" "CMakeFiles/wgankit.dir/src/optim/optim.c.o.d"
  "/work/wt-gan/src/ot/assignment.c" "CMakeFiles/wgankit.dir/src/ot/assignment.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/assignment.c.o.d"
  "/work/wt-gan/src/ot/knn_grid.c" "CMakeFiles/wgankit.dir/src/ot/knn_grid.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/knn_grid.c.o.d"
  "/work/wt-gan/src/ot/network_simplex.c" "CMakeFiles/wgankit.dir/src/ot/network_simplex.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/network_simplex.c.o.d"
  "/work/wt-gan/src/ot/ot_common.c" "CMakeFiles/wgankit.dir/src/ot/ot_common.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/ot_common.c.o.d"
  "/work/wt-gan/src/ot/price_cells.c" "CMakeFiles/wgankit.dir/src/ot/price_cells.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/price_cells.c.o.d"
  "/work/wt-gan/src/ot/sinkhorn.c" "CMakeFiles/wgankit.dir/src/ot/sinkhorn.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/sinkhorn.c.o.d"
  "/work/wt-gan/src/ot/w1_1d.c" "CMakeFiles/wgankit.dir/src/ot/w1_1d.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/w1_1d.c.o.d"
  "/work/wt-gan/src/ot/w1_exact.c" "CMakeFiles/wgankit.dir/src/ot/w1_exact.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/w1_exact.c.o.d"
  "/work/wt-gan/src/ot/w1_sliced.c" "CMakeFiles/wgankit.dir/src/ot/w1_sliced.c.o" "gcc" "CMakeFiles/wgankit.dir/src/ot/w1_sliced.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
