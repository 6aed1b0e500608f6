/* dist_internal.h — what the files of src/dist/ share (MPI builds only). */
#ifndef WK_DIST_INTERNAL_H
#define WK_DIST_INTERNAL_H

/* WK_ESYSTEM with MPI's text for `code`: "<who>, rank r of K: <what>: <MPI's message> ...". */
int wk__mpi_fail(int code, const char *who, const char *what);

#endif
