/* test_backend_split.c — the CPU backend's products split over a call's threads (backend_cpu.c):
 * for every transpose combination and shapes tall, wide, odd and smaller than one register block,
 * sgemm/dgemm/ssyrk/ssymm run with 3 threads and no parallel minimum equal a plain double-precision
 * reference, and ssyrk leaves the strict lower triangle untouched (backend_products.h). */
#include "check.h"
#include "backend_products.h"

int main(void) {
    wk_exec par = wk_exec_make(3);
    par.blas_par_min = 0; /* split everything */
    backend_products_check(&par);
    return check_summary("test_backend_split");
}
