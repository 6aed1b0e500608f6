/* test_exec_threads.c — threads are state of a call or of a context, not of the process
 * (issue 15, design 1): two trainers with different thread counts, run at the same time in two
 * pthreads of one process, end with the same weights as each run alone; a library call with its
 * own thread count (wk_w1_exact's opt.threads) leaves the caller's thread count as it was. */
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/ot.h"

/* Products of 256 x 256 x 256 and up: above the parallel minimum, so the 2-thread trainer splits
 * them, and Björck (ssyrk/ssymm) and the gradient penalty (second derivatives) both run. */
static wk_gan_config cfg_for(const char *critic, int threads, uint64_t seed) {
    wk_gan_config c;
    wk_gan_config_default(&c);
    wk_gan_config_set(&c, "critic", critic);
    c.gen_width = c.critic_width = 256;
    c.gen_depth = c.critic_depth = 2;
    c.batch = 256;
    c.n_critic = 2;
    c.holdout = c.eval_n = 100;
    c.threads = threads;
    c.seed = seed;
    return c;
}

typedef struct job {
    wk_gan_config cfg;
    int steps;
    wk_trainer *t;
    int rc;
} job;

static void *run_job(void *p) {
    job *j = p;
    wk_dataset ds;
    j->rc = wk_dataset_load(&j->cfg, &ds);
    if (!j->rc) j->rc = wk_trainer_new(&j->cfg, &ds, &j->t);
    for (int s = 0; s < j->steps && !j->rc; s++) j->rc = wk_trainer_step(j->t);
    return NULL;
}

static int same_weights(wk_trainer *a, wk_trainer *b) {
    wk_model *m[2] = {wk_trainer_generator(a), wk_trainer_critic_model(a)};
    wk_model *n[2] = {wk_trainer_generator(b), wk_trainer_critic_model(b)};
    for (int k = 0; k < 2; k++) {
        if (m[k]->n_params != n[k]->n_params) return 0;
        for (int i = 0; i < m[k]->n_params; i++)
            if (memcmp(m[k]->params[i]->value.data, n[k]->params[i]->value.data,
                       (size_t)m[k]->params[i]->value.numel * sizeof(float)))
                return 0;
    }
    return 1;
}

int main(void) {
    job alone[2] = {{cfg_for("bjorck", 1, 3), 3, NULL, 0}, {cfg_for("gp", 2, 4), 3, NULL, 0}};
    job both[2];
    memcpy(both, alone, sizeof both);
    for (int k = 0; k < 2; k++) {
        run_job(&alone[k]);
        REQUIRE(alone[k].rc == WK_OK, "trainer %d alone: %s", k, wk_last_error());
    }
    pthread_t th[2];
    for (int k = 0; k < 2; k++) REQUIRE(pthread_create(&th[k], NULL, run_job, &both[k]) == 0, "pthread_create");
    for (int k = 0; k < 2; k++) pthread_join(th[k], NULL);
    for (int k = 0; k < 2; k++) {
        CHECK(both[k].rc == WK_OK, "trainer %d in a pthread: rc %d", k, both[k].rc);
        if (both[k].rc == WK_OK) CHECK(same_weights(alone[k].t, both[k].t), "trainer %d: weights differ when run beside the other", k);
        wk_trainer_free(alone[k].t);
        wk_trainer_free(both[k].t);
    }

    /* wk_w1_exact with opt.threads = 2 from a thread whose OpenMP team size is 1: the count is the
     * call's, and the caller's setting is as before afterwards (it used to stay at 2). */
    omp_set_num_threads(1);
    float pa[] = {0, 0, 1, 0, 0, 1}, pb[] = {0, 0.5f, 1, 1, 2, 0};
    wk_tensor a = {pa, 2, {3, 2}, 6, WK_DEVICE_CPU}, b = {pb, 2, {3, 2}, 6, WK_DEVICE_CPU};
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.threads = 2;
    wk_ot_result r;
    CHECK(wk_w1_exact(&a, NULL, &b, NULL, &o, &r) == WK_OK, "w1: %s", wk_last_error());
    wk_ot_result_free(&r);
    CHECK(omp_get_max_threads() == 1, "wk_w1_exact left this thread's team size at %d (was 1)", omp_get_max_threads());
    return check_summary("test_exec_threads");
}
