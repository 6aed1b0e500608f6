/* plot.c — placeholder while the sweep's plots are written (see sweep.h). */
#include "wgankit/error.h"
#include "wgankit/sweep.h"
int wk_sweep_plot(const wk_sweep_spec *spec, const char *metric) {
    (void)spec, (void)metric;
    return wk_errorf(WK_EINVAL, "plots not written yet");
}
int wk_sweep_report(const wk_sweep_spec *spec) {
    (void)spec;
    return WK_OK;
}
