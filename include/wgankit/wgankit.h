/* wgankit.h — the whole public API in one include.
 *
 *   error.h      status codes and the error slot every function reports through
 *   tensor.h     float32 tensors, heap and arena memory, backend table, threads
 *   rng.h        the seeded generator every random draw goes through
 *   autodiff.h   tape autodiff with second order (double backprop)
 *   nn.h         layers, models, MLP and DCGAN builders
 *   optim.h      SGD, Adam, RMSProp with PyTorch's formulas
 *   lipschitz.h  Lipschitz critics (Björck/GroupSort, Biau constraints, spectral norm,
 *                clipping, gradient penalty) and Lipschitz reports
 *   ot.h         exact, 1-D, sliced and Sinkhorn optimal transport
 *   io.h, json.h, safetensors.h, plot.h, report.h   files, checkpoints, pictures, reports
 *   data.h, metrics.h                               datasets and sample-quality metrics
 *   gan.h        the trainer: settings, training steps, evaluation, checkpoints */
#ifndef WGANKIT_H
#define WGANKIT_H

#include "wgankit/error.h"
#include "wgankit/tensor.h"
#include "wgankit/rng.h"
#include "wgankit/autodiff.h"
#include "wgankit/nn.h"
#include "wgankit/optim.h"
#include "wgankit/lipschitz.h"
#include "wgankit/ot.h"
#include "wgankit/io.h"
#include "wgankit/json.h"
#include "wgankit/safetensors.h"
#include "wgankit/plot.h"
#include "wgankit/report.h"
#include "wgankit/data.h"
#include "wgankit/metrics.h"
#include "wgankit/gan.h"
#include "wgankit/critic.h"
#include "wgankit/source.h"
#include "wgankit/nnd.h"
#include "wgankit/generalization.h"
#include "wgankit/birthday.h"

#endif
