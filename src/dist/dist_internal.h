/* dist_internal.h — what the files of src/dist/ share (MPI builds only). */
#ifndef WK_DIST_INTERNAL_H
#define WK_DIST_INTERNAL_H

/* WK_ESYSTEM with MPI's text for `code`: "<who>, rank r of K: <what>: <MPI's message> ...". */
int wk__mpi_fail(int code, const char *who, const char *what);

/* A rank was declared lost (silent past the timeout): wk_dist_finalize then ends the job with
 * MPI_Abort, since MPI_Finalize would wait for a rank that hangs. */
void wk__dist_peer_lost(void);

#endif
